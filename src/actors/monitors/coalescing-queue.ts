/** What a monitor must do about a path: read and analyse it again, or forget it. */
export type PathChange = "upsert" | "remove";

/** Counters of one {@link CoalescingQueue}. */
export interface CoalescingQueueStats {
  /** Paths waiting. */
  depth: number;
  /** Events pushed, whether they queued a path or collapsed into one already waiting. */
  pushed: number;
  /** Events that collapsed into a path already waiting. */
  coalesced: number;
  /** Events refused because the queue was full; {@link CoalescingQueue.takeOverflowed} says what to re-check. */
  overflowed: number;
}

/** A path handed out by {@link CoalescingQueue.takeReady}. */
export interface ReadyPath {
  path: string;
  change: PathChange;
  /** When its last event arrived (the queue's clock): the start of its event-to-result latency. */
  lastEventAt: number;
}

interface Waiting {
  change: PathChange;
  /** When the last event for the path arrived (the queue's clock, ms). */
  lastAt: number;
}

/**
 * A bounded queue of file paths in which repeated events for one path collapse into one entry
 * (the latest change wins: a file written ten times is analysed once) and a path becomes ready
 * only after `debounceMs` without events, so an editor's save burst is read once it is complete.
 * Paths leave in the order they first arrived.
 *
 * When the queue is full an event for a new path is refused, counted, and its path remembered
 * apart (a set, which never holds a path twice), so that the monitor can re-check those files
 * once it has caught up instead of losing them: a full queue delays work but never forgets it.
 * That set is bounded by the same capacity; past it the queue stops naming paths and says
 * instead that the whole tree must be re-checked (a stat walk against what is tracked).
 */
export class CoalescingQueue {
  private readonly waiting = new Map<string, Waiting>();
  private readonly overflow = new Set<string>();
  private rescanAll = false;
  private pushed = 0;
  private coalesced = 0;
  private overflowed = 0;

  constructor(
    private readonly capacity: number,
    private readonly debounceMs: number,
  ) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError(`queue capacity must be a positive integer, got ${capacity}`);
    if (!(debounceMs >= 0)) throw new RangeError(`debounce must be 0 ms or more, got ${debounceMs}`);
  }

  /** Queues `change` for `path` at time `now`; false when the queue was full (the path is kept aside). */
  push(path: string, change: PathChange, now: number): boolean {
    this.pushed += 1;
    const entry = this.waiting.get(path);
    if (entry) {
      entry.change = change;
      entry.lastAt = now;
      this.coalesced += 1;
      return true;
    }
    if (this.waiting.size >= this.capacity) {
      this.overflowed += 1;
      if (this.rescanAll) return false;
      if (this.overflow.size >= this.capacity) {
        this.rescanAll = true;
        this.overflow.clear();
      } else this.overflow.add(path);
      return false;
    }
    this.waiting.set(path, { change, lastAt: now });
    return true;
  }

  /** Up to `max` paths quiet for `debounceMs` at `now`, removed from the queue, oldest first. */
  takeReady(now: number, max = Number.POSITIVE_INFINITY): ReadyPath[] {
    const ready: ReadyPath[] = [];
    for (const [path, entry] of this.waiting) {
      if (ready.length >= max) break;
      if (now - entry.lastAt < this.debounceMs) continue;
      this.waiting.delete(path);
      ready.push({ path, change: entry.change, lastEventAt: entry.lastAt });
    }
    return ready;
  }

  /** How long until the next waiting path is ready at `now` (undefined when nothing waits). */
  nextReadyIn(now: number): number | undefined {
    let soonest: number | undefined;
    for (const entry of this.waiting.values()) {
      const wait = Math.max(0, entry.lastAt + this.debounceMs - now);
      if (soonest === undefined || wait < soonest) soonest = wait;
      if (soonest === 0) break;
    }
    return soonest;
  }

  /**
   * What was refused while the queue was full, handed over once: the paths, or `rescanAll` when
   * more paths were refused than the queue's capacity (then `paths` is empty).
   */
  takeOverflowed(): { paths: string[]; rescanAll: boolean } {
    const taken = { paths: [...this.overflow], rescanAll: this.rescanAll };
    this.overflow.clear();
    this.rescanAll = false;
    return taken;
  }

  stats(): CoalescingQueueStats {
    return { depth: this.waiting.size, pushed: this.pushed, coalesced: this.coalesced, overflowed: this.overflowed };
  }
}
