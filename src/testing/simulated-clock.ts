import type { Clock, TimerHandle } from "../common/clock.js";

interface PendingTimer {
  id: number;
  due: number;
  /** Set for intervals: the timer is due again this long after it fired. */
  everyMs: number | undefined;
  callback: () => void;
}

/**
 * A clock whose time moves only when the test says so. Timers fire inside `advance`, in the order
 * they are due (timers due at the same time in the order they were set), each with `now()` at
 * its due time, so a test of timer-driven behaviour neither waits nor depends on the machine's
 * load. Give it to actors through `createTestContext({ clock })` or `checkActorLifecycle`.
 *
 * A callback that throws stops `advance` and the error propagates to the test, as an uncaught
 * timer error would end a real process; time stays at that timer's due time and the timers not
 * yet fired stay pending.
 */
export class SimulatedClock implements Clock {
  private current: number;
  private nextId = 1;
  private readonly timers = new Map<number, PendingTimer>();

  /** @param start the time `now()` returns before any advance. @defaultValue 0 */
  constructor(start = 0) {
    this.current = start;
  }

  now(): number {
    return this.current;
  }

  setTimeout(callback: () => void, ms: number): TimerHandle {
    return this.add(callback, ms, undefined);
  }

  clearTimeout(handle: TimerHandle): void {
    if (typeof handle === "number") this.timers.delete(handle);
  }

  setInterval(callback: () => void, ms: number): TimerHandle {
    // A zero period would fire forever within one advance, as a zero-delay setInterval in Node
    // fires every millisecond; one millisecond is Node's floor too.
    return this.add(callback, ms, Math.max(1, ms));
  }

  clearInterval(handle: TimerHandle): void {
    this.clearTimeout(handle);
  }

  /** Timers set and not yet fired or cleared (an interval counts once). */
  get pending(): number {
    return this.timers.size;
  }

  /** When the next timer is due, or undefined when none is pending. */
  nextDue(): number | undefined {
    return this.next()?.due;
  }

  /** Moves time forward by `ms`, firing every timer that falls due on the way, in order. */
  advance(ms: number): void {
    if (!(ms >= 0)) throw new RangeError(`SimulatedClock.advance: ms must be a number >= 0, got ${ms}`);
    this.advanceTo(this.current + ms);
  }

  /** Moves time forward to `time` (never back), firing every timer due by then, in order. */
  advanceTo(time: number): void {
    if (time < this.current) throw new RangeError(`SimulatedClock.advanceTo: time goes forward only (now ${this.current}, asked ${time})`);
    for (let timer = this.next(); timer !== undefined && timer.due <= time; timer = this.next()) {
      this.current = timer.due;
      if (timer.everyMs === undefined) this.timers.delete(timer.id);
      else timer.due += timer.everyMs;
      timer.callback();
    }
    this.current = time;
  }

  private add(callback: () => void, ms: number, everyMs: number | undefined): number {
    const id = this.nextId++;
    this.timers.set(id, { id, due: this.current + Math.max(0, ms), everyMs, callback });
    return id;
  }

  /** The timer to fire next: the earliest due, then the earliest set (ids grow). */
  private next(): PendingTimer | undefined {
    let first: PendingTimer | undefined;
    for (const timer of this.timers.values()) {
      if (first === undefined || timer.due < first.due || (timer.due === first.due && timer.id < first.id)) first = timer;
    }
    return first;
  }
}
