import type { Clock, TimerHandle } from "../common/clock.js";

/**
 * One actor's view of a shared clock that remembers which of its timers are still pending, so a
 * check can tell that an incarnation left timers behind when it ended.
 */
export class TrackedClock implements Clock {
  private readonly live = new Set<TimerHandle>();

  constructor(private readonly clock: Clock) {}

  /** Timers this view set that have neither fired (timeouts) nor been cleared. */
  get pending(): number {
    return this.live.size;
  }

  now(): number {
    return this.clock.now();
  }

  setTimeout(callback: () => void, ms: number): TimerHandle {
    const handle = this.clock.setTimeout(() => {
      this.live.delete(handle);
      callback();
    }, ms);
    this.live.add(handle);
    return handle;
  }

  clearTimeout(handle: TimerHandle): void {
    this.live.delete(handle);
    this.clock.clearTimeout(handle);
  }

  setInterval(callback: () => void, ms: number): TimerHandle {
    const handle = this.clock.setInterval(callback, ms);
    this.live.add(handle);
    return handle;
  }

  clearInterval(handle: TimerHandle): void {
    this.live.delete(handle);
    this.clock.clearInterval(handle);
  }
}
