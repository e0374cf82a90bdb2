/**
 * The envelope ids a consumer has recently handled successfully, so that a redelivery (an ack
 * lost with the connection, a reclaim racing a slow ack, a publish the outbox replayed) acks
 * instead of running the handler twice.
 *
 * Bounded: a Set for lookups plus a ring of insertion order; once `capacity` ids are held, each new
 * id evicts the oldest. Evictions are counted: an id evicted and then redelivered runs again,
 * which is still within the at-least-once contract, and the count tells an operator to raise
 * `dedupeWindow` if that matters.
 */
export class DedupeWindow {
  readonly capacity: number;
  private readonly ids = new Set<string>();
  private readonly ring: (string | undefined)[];
  private next = 0;
  private evictionCount = 0;

  constructor(capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 0) {
      throw new RangeError(`dedupeWindow must be a non-negative integer, got ${capacity}`);
    }
    this.capacity = capacity;
    this.ring = new Array<string | undefined>(capacity);
  }

  /** True when `id` was recorded and not yet evicted. */
  has(id: string): boolean {
    return this.ids.has(id);
  }

  /** Records `id`; evicts the oldest id when full. A capacity of 0 disables deduplication. */
  add(id: string): void {
    if (this.capacity === 0 || this.ids.has(id)) return;
    const old = this.ring[this.next];
    if (old !== undefined) {
      this.ids.delete(old);
      this.evictionCount++;
    }
    this.ring[this.next] = id;
    this.ids.add(id);
    this.next = (this.next + 1) % this.capacity;
  }

  get size(): number {
    return this.ids.size;
  }

  /** Ids pushed out by newer ones since creation. */
  get evictions(): number {
    return this.evictionCount;
  }
}
