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
  /** With the envelope, so that the Bus can return this very promise from `publish`. */
  resolve(envelope: Envelope): void;
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
  /** Parallel to `pending`: each envelope's JSON when the Bus already made it. */
  private pendingJson: (string | undefined)[] = [];
  private settlers: Settler[] = [];
  private driving = false;
  /** The running drive loop, so that close() can wait for the batch in flight. */
  private driveRun: Promise<void> = Promise.resolve();
  private scheduled = false;
  private online = false;
  private closed = false;
  private closing: Promise<void> | undefined;
  /** Called when a drive ends with nothing left to send (a flush waits for that). */
  private readonly idleWaiters = new Set<() => void>();
  /** The batch handed to the transport and not yet confirmed, with its publishers' settlers. */
  private inFlight: readonly Envelope[] | undefined;
  private inFlightSettlers: Settler[] = [];
  private retryTimer: NodeJS.Timeout | undefined;
  private retryDelayMs = RETRY_MIN_MS;

  constructor(
    private readonly transport: Transport,
    private readonly outbox: Outbox,
    private readonly log: Logger,
  ) {}

  /**
   * Resolves once `envelope` is handed to the transport or kept in the outbox. `json`, when given,
   * is its JSON, passed to the transport with it (an envelope that goes through the outbox is
   * encoded again when replayed: the outbox keeps envelopes only).
   */
  send<E extends Envelope>(envelope: E, json?: string): Promise<E> {
    if (this.closed) {
      // A reply or dead letter produced after the close: nothing will send it any more.
      this.outbox.discardAll([envelope]);
      return Promise.reject(new Error(`bus closed; "${envelope.topic}" was not sent`));
    }
    if (!this.online || this.outbox.depth > 0 || this.pending.length >= this.outbox.capacity) {
      // Throws OUTBOX_FULL under `reject`; a drop under the other policies is counted by the outbox.
      this.outbox.add(envelope);
      this.scheduleDrive();
      return Promise.resolve(envelope);
    }
    this.pending.push(envelope);
    this.pendingJson.push(json);
    const promise = new Promise<E>((resolve, reject) => {
      this.settlers.push({ resolve: resolve as (envelope: Envelope) => void, reject });
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

  /**
   * Flushes, then closes: waits up to `flushTimeoutMs` for the transport to take every publish
   * still pending or in the outbox (reconnecting if it must); what it has not confirmed by then
   * is counted as dropped and logged. Later sends are refused. Idempotent.
   */
  close(flushTimeoutMs: number): Promise<void> {
    this.closing ??= this.flushThenClose(flushTimeoutMs);
    return this.closing;
  }

  private async flushThenClose(flushTimeoutMs: number): Promise<void> {
    const flushed = await this.flush(flushTimeoutMs);
    this.closed = true;
    this.clearRetry();
    const unsent = [...(this.inFlight ?? []), ...this.pending];
    const inFlight = this.inFlight?.length ?? 0;
    const error = new Error(`bus closed before the transport accepted this message (bus.outbox.flushTimeout ${flushTimeoutMs} ms)`);
    for (const settler of [...this.inFlightSettlers, ...this.settlers]) settler.reject(error);
    this.pending = [];
    this.pendingJson = [];
    this.settlers = [];
    this.inFlight = undefined;
    this.inFlightSettlers = [];
    const lost = this.outbox.discardAll(unsent);
    if (lost > 0 || !flushed) {
      this.log.error(
        { lost, inFlight, flushTimeoutMs, connected: this.online },
        `bus closed with ${lost} envelope(s) the transport had not taken within bus.outbox.flushTimeout (${flushTimeoutMs} ms); ` +
          `they are counted as dropped (reason shutdown)${inFlight > 0 ? `, ${inFlight} of them were being sent and may have arrived` : ""}. ` +
          "Restore the transport before stopping, or raise bus.outbox.flushTimeout",
      );
    }
  }

  /**
   * Resolves true once nothing waits to be sent (pending, outbox, batch in flight), or false
   * when `timeoutMs` passes first. A transport that is away is probed again at once, then with
   * the usual backoff, and reports of its return drive the flush.
   */
  private flush(timeoutMs: number): Promise<boolean> {
    if (this.idle()) return Promise.resolve(true);
    if (timeoutMs <= 0) return Promise.resolve(false);
    return new Promise<boolean>((resolve) => {
      const finish = (flushed: boolean): void => {
        clearTimeout(timer);
        this.idleWaiters.delete(onIdle);
        resolve(flushed);
      };
      const onIdle = (): void => finish(true);
      const timer = setTimeout(() => finish(false), timeoutMs);
      this.idleWaiters.add(onIdle);
      if (this.online) {
        this.scheduleDrive();
      } else if (!this.driving) {
        this.retryDelayMs = RETRY_MIN_MS;
        this.clearRetry();
        this.online = true; // probe now: the replay itself tells whether the transport is back
        this.scheduleDrive();
      }
    });
  }

  private idle(): boolean {
    return !this.driving && this.pending.length === 0 && this.outbox.depth === 0;
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
          const encoded = this.pendingJson.splice(0, batch.length);
          const settlers = this.settlers.splice(0, batch.length);
          if (!(await this.attempt(batch, settlers, false, encoded))) return;
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
      if (this.idleWaiters.size > 0 && this.idle()) for (const onIdle of [...this.idleWaiters]) onIdle();
    }
  }

  /** One transport.publish; false when the transport failed and the bus went offline. */
  private async attempt(
    batch: Envelope[],
    settlers: Settler[] | undefined,
    fromOutbox: boolean,
    encoded?: readonly (string | undefined)[],
  ): Promise<boolean> {
    this.inFlight = batch;
    this.inFlightSettlers = settlers ?? [];
    try {
      await this.transport.publish(batch, encoded);
    } catch (thrown) {
      // Closed while this batch was out: it was counted as dropped and its publishers told.
      if (this.closed) return false;
      this.inFlight = undefined;
      this.inFlightSettlers = [];
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
      this.pendingJson = [];
      this.settlers = [];
      this.scheduleRetry();
      return false;
    }
    if (this.closed) return false;
    this.inFlight = undefined;
    this.inFlightSettlers = [];
    if (fromOutbox) this.outbox.confirm(batch);
    if (settlers !== undefined) for (let i = 0; i < settlers.length; i++) settlers[i]?.resolve(batch[i] as Envelope);
    return true;
  }

  /** Moves not-yet-sent publishes to the outbox, oldest first; each publish settles on the outcome. */
  private keep(batch: readonly Envelope[], settlers: readonly Settler[]): void {
    for (let i = 0; i < batch.length; i++) {
      const settler = settlers[i];
      try {
        this.outbox.add(batch[i] as Envelope);
        settler?.resolve(batch[i] as Envelope);
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
