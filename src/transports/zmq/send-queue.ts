import { PlexusError } from "../../common/errors.js";
import { RingBuffer } from "../../common/ring-buffer.js";
import type { EncodedMessage } from "./frames.js";

/** The part of a zeromq.js writable socket the queue needs. */
export interface FrameSocket {
  send(frames: string[]): Promise<void>;
}

export interface ZmqSendQueueOptions {
  /** Messages held before the overflow rule applies (≥ 1). */
  capacity: number;
  /**
   * `true`: a full queue makes `enqueue` wait (lossless back-pressure up to the caller).
   * `false`: a full queue drops the newest messages, counted in `dropped` and reported to `onDrop`.
   */
  noDrop: boolean;
  /** Called for every drop with how many messages and why (for counters and throttled logs). */
  onDrop(count: number, reason: "send-queue-full" | "closed"): void;
}

/** One zmq message to send and how many envelopes it carries (a batch frame carries many). */
export type QueuedMessage = EncodedMessage;

/** zeromq.js error codes the drain loop handles. */
function errorCode(error: unknown): string | undefined {
  return typeof error === "object" && error !== null ? (error as { code?: string }).code : undefined;
}

/**
 * The one place that writes to a zeromq.js socket. zeromq.js forbids concurrent `send` calls
 * (EBUSY), so publishers append here without awaiting the socket and a single drain loop sends
 * one message at a time, in order.
 *
 * The socket is expected to have ZMQ_XPUB_NODROP set: a PUB socket at its high-water mark then
 * rejects with EAGAIN instead of dropping silently inside libzmq (PUB always reports itself
 * writable, so zeromq.js does not wait for us). The loop retries the same message after a short
 * pause, which turns the socket's HWM into back-pressure on this queue, and this queue's bound is
 * where drops happen — counted, never silent.
 */
export class ZmqSendQueue {
  private readonly queue: RingBuffer<QueuedMessage>;
  /** Control messages (route probes) go first and ignore the bound: they are few and tiny. */
  private readonly control: QueuedMessage[] = [];
  private draining = false;
  private closed = false;
  /** Set when close() gave up flushing: the loop stops retrying a full socket. */
  private abandoned = false;
  /** Data messages handed to the socket / put in the queue, since the start (FIFO positions). */
  private sentSeq = 0;
  private pushedSeq = 0;
  private readonly sentWaiters: Array<{ seq: number; resolve: () => void; reject: (error: Error) => void }> = [];
  private readonly spaceWaiters: Array<() => void> = [];
  /** Serialises waiting publishers so batches enter the queue in call order. */
  private admission: Promise<void> = Promise.resolve();
  private idleWaiters: Array<() => void> = [];

  /** Envelopes dropped because the queue was full (noDrop=false) or the queue closed. */
  dropped = 0;
  /** Times the socket answered EAGAIN (its high-water mark was reached) and the loop paused. */
  socketFullRetries = 0;
  /** Envelopes handed to the socket. */
  sent = 0;

  constructor(
    private readonly socket: FrameSocket,
    private readonly options: ZmqSendQueueOptions,
  ) {
    this.queue = new RingBuffer(Math.max(1, Math.floor(options.capacity)));
  }

  /** zmq messages waiting to be handed to the socket. */
  get depth(): number {
    return this.queue.length + this.control.length;
  }

  /**
   * Queues a batch in order. Without noDrop it returns at once (messages beyond the bound are
   * dropped and counted). With noDrop the promise resolves once the whole batch was handed to the
   * socket, waiting for room first; that is the lossless back-pressure.
   */
  enqueue(batch: readonly QueuedMessage[]): Promise<void> | undefined {
    if (this.closed) return Promise.reject(closedError());
    if (!this.options.noDrop) {
      let accepted = 0;
      for (const message of batch) {
        if (!this.queue.push(message)) break;
        accepted++;
      }
      this.pushedSeq += accepted;
      let rejected = 0;
      for (let i = accepted; i < batch.length; i++) rejected += (batch[i] as QueuedMessage).count;
      if (rejected > 0) {
        this.dropped += rejected;
        this.options.onDrop(rejected, "send-queue-full");
      }
      this.kick();
      return undefined;
    }
    // Only entering the queue is serialised; waiting for the send is not, so batches pipeline.
    const admitted = this.admission.then(() => this.admit(batch));
    this.admission = admitted.then(
      () => undefined,
      () => undefined,
    );
    return admitted.then((seq) => this.whenSent(seq));
  }

  /** Queues a control frame ahead of data, ignoring the bound. */
  enqueueControl(frames: string[]): void {
    if (this.closed) return;
    this.control.push({ frames, count: 0 });
    this.kick();
  }

  /**
   * Stops accepting messages, gives the loop up to `flushMs` to send what is queued, then drops
   * (and counts) whatever is left. Waiting publishers are rejected.
   */
  async close(flushMs: number): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.depth > 0 && flushMs > 0) {
      await Promise.race([
        new Promise<void>((resolve) => this.idleWaiters.push(resolve)),
        new Promise<void>((resolve) => setTimeout(resolve, flushMs).unref()),
      ]);
    }
    this.abandoned = true;
    // A message being retried on a full socket is given up (and counted) by the loop itself.
    if (this.draining) await new Promise<void>((resolve) => this.idleWaiters.push(resolve));
    let left = 0;
    for (let message = this.queue.shift(); message !== undefined; message = this.queue.shift()) left += message.count;
    this.control.length = 0;
    if (left > 0) {
      this.dropped += left;
      this.options.onDrop(left, "closed");
    }
    for (const waiter of this.sentWaiters.splice(0)) waiter.reject(closedError());
    for (const wake of this.spaceWaiters.splice(0)) wake();
  }

  /** Pushes the batch as room appears; resolves with the FIFO position of its last message. */
  private async admit(batch: readonly QueuedMessage[]): Promise<number> {
    let index = 0;
    while (index < batch.length) {
      if (this.closed) throw closedError();
      while (index < batch.length && this.queue.push(batch[index] as QueuedMessage)) {
        index++;
        this.pushedSeq++;
      }
      this.kick();
      if (index < batch.length) await new Promise<void>((resolve) => this.spaceWaiters.push(resolve));
    }
    return this.pushedSeq;
  }

  private whenSent(seq: number): Promise<void> | undefined {
    if (this.sentSeq >= seq) return undefined;
    if (this.closed) return Promise.reject(closedError());
    return new Promise<void>((resolve, reject) => this.sentWaiters.push({ seq, resolve, reject }));
  }

  private kick(): void {
    if (this.draining) return;
    this.draining = true;
    void this.drain();
  }

  private async drain(): Promise<void> {
    try {
      while (!this.abandoned) {
        const control = this.control.shift();
        const message = control ?? this.queue.shift();
        if (message === undefined) break;
        let sent = true;
        try {
          await this.socket.send(message.frames); // the common case: queued at once
        } catch (error) {
          sent = await this.retry(message.frames, error);
        }
        if (!sent) {
          if (message.count > 0) {
            this.dropped += message.count;
            this.options.onDrop(message.count, "closed");
          }
          return;
        }
        if (control !== undefined) continue;
        this.sent += message.count;
        this.sentSeq++;
        this.release();
      }
    } finally {
      this.draining = false;
      for (const wake of this.idleWaiters.splice(0)) wake();
    }
  }

  /** Retries a message the socket refused; false when the socket is gone or close() gave up. */
  private async retry(frames: string[], first: unknown): Promise<boolean> {
    let error = first;
    let pauses = 0;
    for (;;) {
      // Any code but EAGAIN means the socket is closed (ENOTSOCK, ETERM…): close() accounts the rest.
      if (errorCode(error) !== "EAGAIN" || this.abandoned) return false;
      this.socketFullRetries++;
      pauses++;
      // The first pauses only yield to I/O; a persistently full socket backs off to 1 ms.
      await new Promise<void>((resolve) => (pauses < 2 ? setImmediate(resolve) : setTimeout(resolve, 1)));
      try {
        await this.socket.send(frames);
        return true;
      } catch (next) {
        error = next;
      }
    }
  }

  private release(): void {
    while (this.sentWaiters.length > 0 && (this.sentWaiters[0] as { seq: number }).seq <= this.sentSeq) {
      (this.sentWaiters.shift() as { resolve: () => void }).resolve();
    }
    const wake = this.spaceWaiters.shift();
    if (wake !== undefined) wake();
  }
}

function closedError(): PlexusError {
  return new PlexusError("TRANSPORT_CLOSED", "The zmq transport is closed; the message was not sent. Publish before closing the runtime.");
}
