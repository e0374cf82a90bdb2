import { PlexusError } from "../../common/errors.js";
import type { OverflowPolicy } from "./bus.js";
import type { DeliveryOutcome } from "../delivery-outcome.js";
import type { Envelope } from "../envelope.js";
import { RingBuffer } from "../../common/ring-buffer.js";

/**
 * Why a mailbox did not hand a message to its handler:
 * - `drop-oldest` / `drop-newest` / `reject`: the mailbox was full and that is the policy;
 * - `block-overflow`: policy `block`, but as many publishers as the capacity were already waiting
 *   (a publisher that does not await `publish()` cannot grow memory without bound);
 * - `closed`: the subscription ended with the message still queued.
 */
export type DropReason = "drop-oldest" | "drop-newest" | "reject" | "block-overflow" | "closed";

/**
 * How a refused message (`reject`, `block-overflow`) reaches its publisher:
 * - `throw`: the Delivery throws synchronously (in-process transports: the publish rejects);
 * - `reject-promise`: the Delivery's promise rejects (ack transports: the entry stays pending and
 *   is redelivered later);
 * - `count-only`: nobody can be told (a remote at-most-once publisher); counted and dead-lettered.
 */
export type RefusalBehaviour = "throw" | "reject-promise" | "count-only";

export interface MailboxSettings {
  /** Subscription label for errors and metrics: `pattern[#group]@subscriber`. */
  label: string;
  capacity: number;
  overflow: OverflowPolicy;
  /** Handlers running at once; 1 keeps messages in order. */
  concurrency: number;
  /** When true every Delivery returns a promise settled by the handler's outcome (ack transports). */
  acknowledged: boolean;
  refusal: RefusalBehaviour;
}

export interface MailboxHooks {
  /** Runs the handler. A thenable result means "still running"; a throw or rejection is a failure. */
  run(envelope: Envelope): unknown;
  /**
   * A handler threw or rejected. Returning true means the failure was dealt with for good (the
   * message was dead-lettered): in ack mode the message is then acknowledged, not redelivered.
   */
  onHandlerError(envelope: Envelope, error: unknown): boolean | void;
  onDrop(envelope: Envelope, reason: DropReason): void;
}

interface BlockedOffer {
  envelope: Envelope;
  /** Resolves the publisher's promise once the message is queued (non-ack mode). */
  admitted?: () => void;
  /** Told the handler's outcome (ack mode). */
  outcome?: DeliveryOutcome;
}

/** Handlers run back to back for at most this many messages before yielding to I/O. */
const PUMP_BUDGET = 2048;

/**
 * The bounded queue in front of one subscription's handler. Messages are handed over on a
 * microtask (never inside the publisher's call stack, so a handler that publishes cannot recurse),
 * and synchronous handlers are drained in a tight loop without a promise per message.
 */
export class Mailbox {
  private readonly queue: RingBuffer<Envelope>;
  /** Parallel to `queue` in ack mode: where each message's outcome goes (a promise's settler or the transport's callback). */
  private readonly waiters: RingBuffer<DeliveryOutcome> | undefined;
  private readonly blocked: RingBuffer<BlockedOffer>;
  private inFlight = 0;
  private scheduled = false;
  private closed = false;
  /** Messages handed to the handler. */
  delivered = 0;

  constructor(
    private readonly settings: MailboxSettings,
    private readonly hooks: MailboxHooks,
  ) {
    if (!Number.isInteger(settings.capacity) || settings.capacity < 1) {
      throw new PlexusError(
        "INVALID_OPTION",
        `Mailbox of ${settings.label}: capacity must be a positive integer, got ${settings.capacity}.`,
        { retryable: false },
      );
    }
    if (!Number.isInteger(settings.concurrency) || settings.concurrency < 1) {
      throw new PlexusError(
        "INVALID_OPTION",
        `Mailbox of ${settings.label}: concurrency must be a positive integer, got ${settings.concurrency}.`,
        { retryable: false },
      );
    }
    this.queue = new RingBuffer(settings.capacity);
    this.waiters = settings.acknowledged ? new RingBuffer(settings.capacity) : undefined;
    this.blocked = new RingBuffer(settings.capacity);
  }

  get capacity(): number {
    return this.settings.capacity;
  }

  get label(): string {
    return this.settings.label;
  }

  /** Messages waiting for the handler, including publishers blocked on a full mailbox. */
  get depth(): number {
    return this.queue.length + this.blocked.length;
  }

  get running(): number {
    return this.inFlight;
  }

  /** The Delivery of this subscription: queue `envelope` or apply the overflow policy. */
  offer(envelope: Envelope): void | Promise<void> {
    if (!this.settings.acknowledged) return this.accept(envelope, undefined);
    let outcome: DeliveryOutcome | undefined;
    const promise = new Promise<void>((resolve, reject) => {
      outcome = settlerOf(resolve, reject);
    });
    // With an outcome callback, accept reports through it and returns nothing.
    void this.accept(envelope, outcome);
    return promise;
  }

  /**
   * The same as {@link offer} in ack mode, with the outcome reported through `outcome` (exactly
   * once) instead of a promise: true when the message was handled or dealt with for good
   * (dropped as the policy says, dead-lettered), false with the error when it must come back.
   */
  offerWithOutcome(envelope: Envelope, outcome: DeliveryOutcome): void {
    if (!this.settings.acknowledged) throw new Error(`Mailbox of ${this.settings.label} is not in ack mode`);
    void this.accept(envelope, outcome);
  }

  /** Queues `envelope` or applies the overflow policy; `outcome` is given exactly in ack mode. */
  private accept(envelope: Envelope, outcome: DeliveryOutcome | undefined): void | Promise<void> {
    if (this.closed) {
      this.hooks.onDrop(envelope, "closed");
      outcome?.(false, this.closedError());
      return undefined;
    }
    if (!this.queue.isFull) return this.enqueue(envelope, outcome);
    switch (this.settings.overflow) {
      case "drop-oldest": {
        const oldest = this.queue.shift() as Envelope;
        // Acknowledge the evicted message: it has been dead-lettered, redelivering it would be wrong.
        this.waiters?.shift()?.(true);
        this.hooks.onDrop(oldest, "drop-oldest");
        return this.enqueue(envelope, outcome);
      }
      case "drop-newest":
        this.hooks.onDrop(envelope, "drop-newest");
        outcome?.(true);
        return undefined;
      case "reject":
        return this.refuse(envelope, "reject", outcome);
      case "block":
        return this.block(envelope, outcome);
    }
  }

  /** Stops handing out messages; queued and blocked ones are dropped with reason `closed`. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    const error = this.closedError();
    while (this.queue.length > 0) {
      const envelope = this.queue.shift() as Envelope;
      this.hooks.onDrop(envelope, "closed");
      this.waiters?.shift()?.(false, error);
    }
    while (this.blocked.length > 0) {
      const offer = this.blocked.shift() as BlockedOffer;
      this.hooks.onDrop(offer.envelope, "closed");
      offer.admitted?.(); // the publisher must not hang forever
      offer.outcome?.(false, error);
    }
  }

  private enqueue(envelope: Envelope, outcome: DeliveryOutcome | undefined): void {
    this.queue.push(envelope);
    if (outcome !== undefined) this.waiters?.push(outcome);
    this.schedule();
  }

  private block(envelope: Envelope, outcome: DeliveryOutcome | undefined): Promise<void> | void {
    if (this.blocked.isFull) return this.refuse(envelope, "block-overflow", outcome);
    if (outcome !== undefined) {
      this.blocked.push({ envelope, outcome });
      return undefined;
    }
    return new Promise<void>((resolve) => {
      this.blocked.push({ envelope, admitted: resolve });
    });
  }

  private refuse(envelope: Envelope, reason: "reject" | "block-overflow", outcome: DeliveryOutcome | undefined): void | Promise<void> {
    this.hooks.onDrop(envelope, reason);
    if (this.settings.refusal === "count-only") {
      outcome?.(true);
      return undefined;
    }
    const advice =
      reason === "reject"
        ? "raise bus.mailbox.capacity, speed up the handler, or choose another overflow policy"
        : "await each publish() so that back-pressure can work, or raise bus.mailbox.capacity";
    const error = new PlexusError(
      "MAILBOX_FULL",
      `Mailbox of subscription ${this.settings.label} is full (${this.settings.capacity} messages, policy ${this.settings.overflow}); message on "${envelope.topic}" refused: ${advice}.`,
    );
    if (this.settings.refusal === "throw") throw error;
    if (outcome !== undefined) {
      outcome(false, error);
      return undefined;
    }
    return Promise.reject(error);
  }

  private readonly pumpNow = (): void => {
    this.scheduled = false;
    this.pump();
  };

  private schedule(): void {
    if (this.scheduled || this.inFlight >= this.settings.concurrency) return;
    this.scheduled = true;
    queueMicrotask(this.pumpNow);
  }

  private pump(): void {
    let budget = PUMP_BUDGET;
    while (!this.closed && this.inFlight < this.settings.concurrency && this.queue.length > 0) {
      if (budget-- === 0) {
        // A long run of synchronous handlers must not starve sockets and timers.
        this.scheduled = true;
        setImmediate(this.pumpNow);
        return;
      }
      const envelope = this.queue.shift() as Envelope;
      const outcome = this.waiters?.shift();
      if (this.blocked.length > 0) this.admitBlocked();
      this.inFlight++;
      this.delivered++;
      let result: unknown;
      try {
        result = this.hooks.run(envelope);
      } catch (error) {
        this.inFlight--;
        this.fail(envelope, outcome, error);
        continue;
      }
      if (isThenable(result)) {
        result.then(
          () => {
            this.inFlight--;
            outcome?.(true);
            this.pump();
          },
          (error: unknown) => {
            this.inFlight--;
            this.fail(envelope, outcome, error);
            this.pump();
          },
        );
      } else {
        this.inFlight--;
        outcome?.(true);
      }
    }
  }

  /** Moves the longest-waiting blocked publisher into the queue now that there is room. */
  private admitBlocked(): void {
    const offer = this.blocked.shift() as BlockedOffer;
    this.queue.push(offer.envelope);
    if (offer.outcome !== undefined) this.waiters?.push(offer.outcome);
    offer.admitted?.();
  }

  private fail(envelope: Envelope, outcome: DeliveryOutcome | undefined, error: unknown): void {
    let settled = false;
    try {
      settled = this.hooks.onHandlerError(envelope, error) === true;
    } finally {
      if (settled) outcome?.(true);
      else outcome?.(false, error);
    }
  }

  private closedError(): PlexusError {
    return new PlexusError("SUBSCRIPTION_CLOSED", `Subscription ${this.settings.label} is closed; the message was not handled.`);
  }
}

/** The outcome callback that settles a promise (a returned closure: no per-message naming under a dev loader). */
function settlerOf(resolve: () => void, reject: (error: unknown) => void): DeliveryOutcome {
  return (handled, error) => (handled ? resolve() : reject(error));
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return value !== undefined && value !== null && typeof (value as { then?: unknown }).then === "function";
}
