/**
 * A fixed-capacity FIFO over a preallocated array: push/shift/unshift are O(1) and never allocate,
 * which keeps mailboxes and the outbox off the garbage collector's hot path. The buffer never
 * grows: callers check `isFull` and apply their overflow policy.
 */
export class RingBuffer<T> {
  private readonly slots: Array<T | undefined>;
  private head = 0;
  private count = 0;

  constructor(readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) {
      throw new RangeError(`RingBuffer capacity must be a positive integer, got ${capacity}`);
    }
    this.slots = new Array<T | undefined>(capacity);
  }

  get length(): number {
    return this.count;
  }

  get isFull(): boolean {
    return this.count === this.capacity;
  }

  /** Appends at the tail; returns false (and stores nothing) when full. */
  push(item: T): boolean {
    if (this.count === this.capacity) return false;
    this.slots[(this.head + this.count) % this.capacity] = item;
    this.count++;
    return true;
  }

  /** Inserts at the head (puts back an item taken by `shift`); returns false when full. */
  unshift(item: T): boolean {
    if (this.count === this.capacity) return false;
    this.head = (this.head + this.capacity - 1) % this.capacity;
    this.slots[this.head] = item;
    this.count++;
    return true;
  }

  /** Removes and returns the head, or undefined when empty. */
  shift(): T | undefined {
    if (this.count === 0) return undefined;
    const item = this.slots[this.head];
    this.slots[this.head] = undefined; // let the GC reclaim delivered messages
    this.head = (this.head + 1) % this.capacity;
    this.count--;
    return item;
  }

  /** Removes and returns the tail, or undefined when empty. */
  pop(): T | undefined {
    if (this.count === 0) return undefined;
    const at = (this.head + this.count - 1) % this.capacity;
    const item = this.slots[at];
    this.slots[at] = undefined;
    this.count--;
    return item;
  }

  /** Removes and returns every item, oldest first. */
  drain(): T[] {
    const items: T[] = [];
    while (this.count > 0) items.push(this.shift() as T);
    return items;
  }
}
