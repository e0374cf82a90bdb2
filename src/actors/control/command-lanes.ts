import { RingBuffer } from "../../common/ring-buffer.js";

/**
 * The controller's two bounded queues: emergency commands are always taken before normal ones, so
 * a CULL or TERMINATE sent with `priority: emergency` does not wait behind a backlog. When a lane
 * is full the command is refused (the caller acks it as rejected and counts it).
 */
export class CommandLanes<T> {
  private readonly emergency: RingBuffer<T>;
  private readonly normal: RingBuffer<T>;

  constructor(normalCapacity: number, emergencyCapacity: number) {
    this.normal = new RingBuffer(normalCapacity);
    this.emergency = new RingBuffer(emergencyCapacity);
  }

  get length(): number {
    return this.normal.length + this.emergency.length;
  }

  /** Depths by lane, for the status. */
  depths(): { normal: number; emergency: number } {
    return { normal: this.normal.length, emergency: this.emergency.length };
  }

  /** Queues `item` in its lane; false when that lane is full. */
  offer(item: T, emergency: boolean): boolean {
    return (emergency ? this.emergency : this.normal).push(item);
  }

  /** Up to `max` items: every waiting emergency one first (up to `max`), then normal ones in arrival order. */
  take(max: number): T[] {
    const taken: T[] = [];
    while (taken.length < max && this.emergency.length > 0) taken.push(this.emergency.shift() as T);
    while (taken.length < max && this.normal.length > 0) taken.push(this.normal.shift() as T);
    return taken;
  }
}
