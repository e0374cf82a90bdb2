import { isNonRetryable, toError } from "../../common/errors.js";
import type { Logger } from "../../common/logger.js";
import type { Envelope } from "../envelope.js";
import type { Outbox } from "./outbox.js";
import type { Transport } from "../transport.js";

/**
 * Envelopes per `transport.publish` call at most (one pipeline each). Small enough that a burst
 * becomes several batches, so a transport with a publish window overlaps their round trips
 * instead of waiting for one large batch.
 */
export const MAX_BATCH = 100;
/** Envelopes per batch replayed from the outbox (one at a time, after an outage). */
const REPLAY_BATCH = 1_000;
const RETRY_MIN_MS = 100;
const RETRY_MAX_MS = 5_000;

interface Settler {
  /** With the envelope, so that the Bus can return this very promise from `publish`. */
  resolve(envelope: Envelope): void;
  reject(error: unknown): void;
}

/** What a drive waiting on a flight is woken with when a publish arrives. */
const PUBLISHED = Symbol("published");

/** One batch handed to the transport and not yet confirmed. */
interface Flight {
  batch: Envelope[];
  settlers: Settler[];
  /** Resolves (never rejects) with the transport's error, or undefined once the batch is taken. */
  outcome: Promise<Error | undefined>;
}

/**
 * The network publish path: publishes made in the same tick are coalesced into one
 * `transport.publish` batch; up to the transport's `publishWindow` batches are in flight at once
 * (a transport that executes publishes in the order they were made, on one connection, keeps
 * their order so), and while the transport is away envelopes wait in the outbox and are replayed
 * in order, one batch at a time, before anything newer, once it is back
 * (`onConnectionChange(true)` or a retry with backoff).
 *
 * Invariant that keeps the order: everything in `pending` is older than everything in the outbox,
 * because a publish goes to the outbox whenever the outbox is not empty; when a batch fails, every
 * batch in flight is waited for, and the failed ones go back to the outbox oldest first, ahead of
 * what is pending.
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
  /** Batches handed to the transport and not yet confirmed, oldest first. */
  private flights: Flight[] = [];
  /** The outbox batch being replayed, not yet confirmed. */
  private replaying: Envelope[] | undefined;
  /** Wakes a drive waiting on a flight when a publish arrives (see nextPublish). */
  private publishArrived: Promise<typeof PUBLISHED> | undefined;
  private wakeOnPublish: (() => void) | undefined;
  /** Batches in flight at most: the transport's `publishWindow`. */
  private readonly window: number;
  private retryTimer: NodeJS.Timeout | undefined;
  private retryDelayMs = RETRY_MIN_MS;

  constructor(
    private readonly transport: Transport,
    private readonly outbox: Outbox,
    private readonly log: Logger,
  ) {
    this.window = Math.max(1, Math.floor(transport.publishWindow ?? 1));
  }

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
    if (this.wakeOnPublish !== undefined) {
      const wake = this.wakeOnPublish;
      this.wakeOnPublish = undefined;
      this.publishArrived = undefined;
      wake();
    }
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
    const sending = [...(this.replaying ?? []), ...this.flights.flatMap((flight) => flight.batch)];
    const unsent = [...sending, ...this.pending];
    const inFlight = sending.length;
    const error = new Error(`bus closed before the transport accepted this message (bus.outbox.flushTimeout ${flushTimeoutMs} ms)`);
    for (const settler of [...this.flights.flatMap((flight) => flight.settlers), ...this.settlers]) settler.reject(error);
    this.pending = [];
    this.pendingJson = [];
    this.settlers = [];
    this.flights = [];
    this.replaying = undefined;
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
        if (this.pending.length > 0 && this.flights.length < this.window) {
          this.launch();
        } else if (this.flights.length > 0) {
          // Oldest first: confirmations follow publish order, and a failure is seen in order. New
          // publishes wake the loop while there is room in the window.
          const flight = this.flights[0] as Flight;
          const woken = this.flights.length < this.window ? await Promise.race([flight.outcome, this.nextPublish()]) : await flight.outcome;
          if (woken === PUBLISHED) continue;
          if (this.closed) return;
          if (woken === undefined) this.confirm(flight);
          else if (!(await this.failed(woken))) return;
        } else if (this.outbox.depth > 0) {
          const batch = this.outbox.take(REPLAY_BATCH);
          if (batch.length === 0) return;
          if (!(await this.replay(batch))) return;
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

  /** Resolves with {@link PUBLISHED} at the next publish that goes to `pending`. */
  private nextPublish(): Promise<typeof PUBLISHED> {
    this.publishArrived ??= new Promise((resolve) => {
      this.wakeOnPublish = () => resolve(PUBLISHED);
    });
    return this.publishArrived;
  }

  /** Hands the oldest pending publishes to the transport without waiting for the outcome. */
  private launch(): void {
    const batch = this.pending.splice(0, MAX_BATCH);
    const encoded = this.pendingJson.splice(0, batch.length);
    const settlers = this.settlers.splice(0, batch.length);
    let outcome: Promise<Error | undefined>;
    try {
      outcome = this.transport.publish(batch, encoded).then(
        () => undefined,
        (thrown: unknown) => toError(thrown),
      );
    } catch (thrown) {
      outcome = Promise.resolve(toError(thrown));
    }
    this.flights.push({ batch, settlers, outcome });
  }

  /** The oldest flight was taken: its publishes resolve. */
  private confirm(flight: Flight): void {
    this.flights.shift();
    for (let i = 0; i < flight.settlers.length; i++) flight.settlers[i]?.resolve(flight.batch[i] as Envelope);
  }

  /**
   * The oldest flight failed. A refusal for good rejects its publishes and the drive goes on.
   * Otherwise the bus goes offline: every later flight is waited for (those taken resolve), and
   * the failed batches, then what is pending, then what overflowed into the outbox meanwhile, go
   * back to the outbox oldest first. False when the drive must stop.
   */
  private async failed(error: Error): Promise<boolean> {
    if (isNonRetryable(error)) {
      const refused = this.flights.shift() as Flight;
      // Retrying cannot help (e.g. an envelope the transport cannot encode): fail these publishes.
      this.log.error({ err: error, envelopes: refused.batch.length }, "transport refused a batch for good; the publishes are rejected");
      for (const settler of refused.settlers) settler.reject(error);
      return true;
    }
    this.online = false;
    // The flights stay listed while the later ones are waited for, so that a close meanwhile
    // settles and counts them all.
    const outcomes = await Promise.all(this.flights.slice(1).map((other) => other.outcome));
    if (this.closed) return false;
    const [flight, ...later] = this.flights as [Flight, ...Flight[]];
    this.flights = [];
    const unsent: Flight[] = [flight];
    later.forEach((other, i) => {
      if (outcomes[i] === undefined) for (let j = 0; j < other.settlers.length; j++) other.settlers[j]?.resolve(other.batch[j] as Envelope);
      else unsent.push(other);
    });
    this.log.warn(
      { err: error, envelopes: unsent.reduce((sum, other) => sum + other.batch.length, 0), outboxDepth: this.outbox.depth },
      "transport publish failed; keeping envelopes in the outbox until it is back",
    );
    // Publishes that overflowed into the outbox meanwhile are newer than all of these.
    const newer = this.outbox.takeAllWaiting();
    for (const other of unsent) this.keep(other.batch, other.settlers);
    this.keep(this.pending, this.settlers);
    this.keep(newer, []);
    this.pending = [];
    this.pendingJson = [];
    this.settlers = [];
    this.scheduleRetry();
    return false;
  }

  /** One batch from the outbox, waited for; false when the transport failed and the bus went offline. */
  private async replay(batch: Envelope[]): Promise<boolean> {
    this.replaying = batch;
    try {
      await this.transport.publish(batch);
    } catch (thrown) {
      // Closed while this batch was out: it was counted as dropped.
      if (this.closed) return false;
      this.replaying = undefined;
      const error = toError(thrown);
      if (isNonRetryable(error)) {
        this.log.error({ err: error, envelopes: batch.length }, "transport refused a batch for good; the publishes are rejected");
        this.outbox.confirm(batch);
        return true;
      }
      this.online = false;
      this.log.warn(
        { err: error, envelopes: batch.length, outboxDepth: this.outbox.depth },
        "transport publish failed; keeping envelopes in the outbox until it is back",
      );
      this.outbox.restore(batch);
      this.keep(this.pending, this.settlers); // empty by the invariant; kept so nothing can hang
      this.pending = [];
      this.pendingJson = [];
      this.settlers = [];
      this.scheduleRetry();
      return false;
    }
    if (this.closed) return false;
    this.replaying = undefined;
    this.outbox.confirm(batch);
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
