import { isNonRetryable, toError } from "../../common/errors.js";
import type { Logger } from "../../common/logger.js";
import type { Envelope } from "../envelope.js";
import type { Outbox } from "./outbox.js";
import type { Transport } from "../transport.js";

/** Envelopes per `transport.publish` call at most (one syscall / pipeline each). */
export const MAX_BATCH = 1_000;
const RETRY_MIN_MS = 100;
const RETRY_MAX_MS = 5_000;

interface Settler {
  resolve(): void;
  reject(error: unknown): void;
}

/**
 * The network publish path: publishes made in the same tick are coalesced into one
 * `transport.publish` batch, one batch is in flight at a time (so order is kept), and while the
 * transport is away envelopes wait in the outbox and are replayed in order, before anything
 * newer, once it is back (`onConnectionChange(true)` or a retry with backoff).
 *
 * Invariant that keeps the order: everything in `pending` is older than everything in the outbox,
 * because a publish goes to the outbox whenever the outbox is not empty.
 */
export class BatchPublisher {
  private pending: Envelope[] = [];
  private settlers: Settler[] = [];
  private driving = false;
  /** The running drive loop, so that close() can wait for the batch in flight. */
  private driveRun: Promise<void> = Promise.resolve();
  private scheduled = false;
  private online = false;
  private closed = false;
  private retryTimer: NodeJS.Timeout | undefined;
  private retryDelayMs = RETRY_MIN_MS;

  constructor(
    private readonly transport: Transport,
    private readonly outbox: Outbox,
    private readonly log: Logger,
  ) {}

  /** Resolves once `envelope` is handed to the transport or kept in the outbox. */
  send(envelope: Envelope): Promise<void> {
    if (!this.online || this.outbox.depth > 0 || this.pending.length >= this.outbox.capacity) {
      // Throws OUTBOX_FULL under `reject`; a drop under the other policies is counted by the outbox.
      this.outbox.add(envelope);
      this.scheduleDrive();
      return Promise.resolve();
    }
    this.pending.push(envelope);
    const promise = new Promise<void>((resolve, reject) => {
      this.settlers.push({ resolve, reject });
    });
    this.scheduleDrive();
    return promise;
  }

  /** Follows the transport's connection reports. */
  setConnected(connected: boolean): void {
    if (this.closed) return;
    this.online = connected;
    if (!connected) return;
    this.retryDelayMs = RETRY_MIN_MS;
    this.clearRetry();
    this.scheduleDrive();
  }

  /** Sends what can still be sent, then counts the rest of the outbox as dropped. */
  async close(): Promise<void> {
    this.clearRetry();
    await this.driveRun;
    if (this.online) await this.drive();
    this.closed = true;
    const lost = this.outbox.discardAll();
    if (lost > 0) this.log.error({ lost }, `bus closed with ${lost} envelope(s) still in the outbox; they were not delivered`);
    const error = new Error("bus closed before the transport accepted this message");
    for (const settler of this.settlers) settler.reject(error);
    this.pending = [];
    this.settlers = [];
  }

  private scheduleDrive(): void {
    if (this.scheduled || this.driving || !this.online || this.closed) return;
    this.scheduled = true;
    queueMicrotask(() => {
      this.scheduled = false;
      void this.drive();
    });
  }

  private drive(): Promise<void> {
    if (this.driving) return this.driveRun;
    this.driving = true;
    this.driveRun = this.runDrive();
    return this.driveRun;
  }

  private async runDrive(): Promise<void> {
    try {
      while (this.online && !this.closed) {
        if (this.pending.length > 0) {
          const batch = this.pending.splice(0, MAX_BATCH);
          const settlers = this.settlers.splice(0, batch.length);
          if (!(await this.attempt(batch, settlers, false))) return;
        } else if (this.outbox.depth > 0) {
          const batch = this.outbox.take(MAX_BATCH);
          if (batch.length === 0) return;
          if (!(await this.attempt(batch, undefined, true))) return;
        } else {
          return;
        }
      }
    } finally {
      // Cleared in the same microtask as the last "nothing pending" check, so no publish is stranded.
      this.driving = false;
    }
  }

  /** One transport.publish; false when the transport failed and the bus went offline. */
  private async attempt(batch: Envelope[], settlers: Settler[] | undefined, fromOutbox: boolean): Promise<boolean> {
    try {
      await this.transport.publish(batch);
    } catch (thrown) {
      const error = toError(thrown);
      if (isNonRetryable(error)) {
        // Retrying cannot help (e.g. an envelope the transport cannot encode): fail these publishes.
        this.log.error({ err: error, envelopes: batch.length }, "transport refused a batch for good; the publishes are rejected");
        if (fromOutbox) this.outbox.confirm(batch);
        settlers?.forEach((settler) => settler.reject(error));
        return true;
      }
      this.online = false;
      this.log.warn(
        { err: error, envelopes: batch.length, outboxDepth: this.outbox.depth },
        "transport publish failed; keeping envelopes in the outbox until it is back",
      );
      if (fromOutbox) {
        this.outbox.restore(batch);
        this.keep(this.pending, this.settlers); // empty by the invariant; kept so nothing can hang
      } else {
        // The failed batch and pending publishes are older than anything already in the outbox
        // (publishes overflowed into it while the batch was out): re-add everything oldest first.
        const newer = this.outbox.takeAllWaiting();
        this.keep(batch, settlers ?? []);
        this.keep(this.pending, this.settlers);
        this.keep(newer, []);
      }
      this.pending = [];
      this.settlers = [];
      this.scheduleRetry();
      return false;
    }
    if (fromOutbox) this.outbox.confirm(batch);
    settlers?.forEach((settler) => settler.resolve());
    return true;
  }

  /** Moves not-yet-sent publishes to the outbox, oldest first; each publish settles on the outcome. */
  private keep(batch: readonly Envelope[], settlers: readonly Settler[]): void {
    for (let i = 0; i < batch.length; i++) {
      const settler = settlers[i];
      try {
        this.outbox.add(batch[i] as Envelope);
        settler?.resolve();
      } catch (error) {
        settler?.reject(error);
      }
    }
  }

  private scheduleRetry(): void {
    if (this.retryTimer !== undefined || this.closed) return;
    const delay = this.retryDelayMs;
    this.retryDelayMs = Math.min(RETRY_MAX_MS, this.retryDelayMs * 2);
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      // Optimistic: transports that do not report reconnects are probed by the replay itself.
      this.online = true;
      this.scheduleDrive();
    }, delay);
    this.retryTimer.unref();
  }

  private clearRetry(): void {
    if (this.retryTimer !== undefined) clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
  }
}
