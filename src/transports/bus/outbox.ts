import type { ResolvedBusConfig } from "./bus-config.js";
import { PlexusError } from "../../common/errors.js";
import type { Envelope } from "../envelope.js";
import { RingBuffer } from "../../common/ring-buffer.js";

export type OutboxOptions = ResolvedBusConfig["outbox"];

/** Why the outbox let go of an envelope without sending it. */
export type OutboxDropReason = "drop-oldest" | "drop-newest" | "reject" | "shutdown";

/**
 * Envelopes waiting for the transport to come back, oldest first, bounded by `capacity`.
 * Envelopes taken for a replay still count against the capacity until the transport confirms
 * them, so that putting a failed replay back can never overflow.
 */
export class Outbox {
  private readonly queue: RingBuffer<Envelope>;
  private replaying = 0;
  dropped = 0;
  replayed = 0;

  constructor(
    private readonly options: OutboxOptions,
    private readonly onDrop: (envelope: Envelope, reason: OutboxDropReason) => void,
  ) {
    if (!Number.isInteger(options.capacity) || options.capacity < 1) {
      throw new PlexusError("INVALID_OPTION", `bus.outbox.capacity must be a positive integer, got ${options.capacity}.`, {
        retryable: false,
      });
    }
    this.queue = new RingBuffer(options.capacity);
  }

  /** Envelopes held, including those out for a replay attempt. */
  get depth(): number {
    return this.queue.length + this.replaying;
  }

  get capacity(): number {
    return this.options.capacity;
  }

  /**
   * Keeps `envelope` for a later replay, applying the overflow policy when full. Returns false
   * when the envelope itself was dropped (`drop-newest`); throws PlexusError `OUTBOX_FULL` under
   * `reject`.
   */
  add(envelope: Envelope): boolean {
    if (this.depth < this.options.capacity) {
      this.queue.push(envelope);
      return true;
    }
    switch (this.options.overflow) {
      case "drop-oldest": {
        // The very oldest may be out for replay; then the oldest still waiting makes room.
        const oldest = this.queue.shift();
        if (oldest === undefined) {
          this.drop(envelope, "drop-oldest");
          return false;
        }
        this.drop(oldest, "drop-oldest");
        this.queue.push(envelope);
        return true;
      }
      case "drop-newest":
        this.drop(envelope, "drop-newest");
        return false;
      case "reject":
        this.drop(envelope, "reject");
        throw new PlexusError(
          "OUTBOX_FULL",
          `The bus outbox is full (${this.options.capacity} envelopes waiting for the transport); publish to "${envelope.topic}" refused. Restore the transport connection or raise bus.outbox.capacity.`,
        );
    }
  }

  /** Takes up to `max` envelopes, oldest first, for a replay attempt. */
  take(max: number): Envelope[] {
    const batch: Envelope[] = [];
    while (batch.length < max && this.queue.length > 0) batch.push(this.queue.shift() as Envelope);
    this.replaying += batch.length;
    return batch;
  }

  /** The transport accepted a batch from `take`. */
  confirm(batch: readonly Envelope[]): void {
    this.replaying -= batch.length;
    this.replayed += batch.length;
  }

  /** The transport refused a batch from `take`: it goes back to the front, in order. */
  restore(batch: readonly Envelope[]): void {
    this.replaying -= batch.length;
    for (let i = batch.length - 1; i >= 0; i--) this.queue.unshift(batch[i] as Envelope);
  }

  /**
   * Removes every waiting envelope (none may be out for replay) so the caller can put older ones
   * in front of them and re-add these in order; the policy then drops the right ones.
   */
  takeAllWaiting(): Envelope[] {
    return this.queue.drain();
  }

  /**
   * Empties the outbox at shutdown. Every envelope still waiting, and every one given in
   * `alsoUnsent` (publishes the bus held outside the outbox), is counted as dropped; returns how
   * many that was.
   */
  discardAll(alsoUnsent: readonly Envelope[] = []): number {
    let count = 0;
    for (const envelope of [...alsoUnsent, ...this.queue.drain()]) {
      this.drop(envelope, "shutdown");
      count++;
    }
    // Envelopes out for a replay are among `alsoUnsent` when the caller gave up waiting for them.
    this.replaying = 0;
    return count;
  }

  private drop(envelope: Envelope, reason: OutboxDropReason): void {
    this.dropped++;
    this.onDrop(envelope, reason);
  }
}
