/**
 * Eviction safety, decided in one pure function. When more than `pauseShare` of the instances
 * stop renewing within one window (a network partition, or the registry itself stalled), it is
 * more likely the registry cannot hear them than that they all died: expiring them would empty
 * the registry, so eviction pauses and an alarm is raised.
 *
 * The pause cannot get stuck. It ends when renewals recover (the overdue instances heartbeat
 * again, or deregister) or when no further instance has stopped renewing for a whole window: the
 * instances still renewing are then the new baseline (the expected renewals are recomputed from
 * the live set), the overdue ones count as a real scale-down and expire, and the window's
 * expirations are forgotten so the same departure cannot pause eviction again.
 */

/** The `eviction` options of a registry. */
export interface EvictionSettings {
  /** Share (0–1) of instances that may expire within one window before eviction pauses. */
  pauseShare: number;
  windowMs: number;
  /** Below this many instances eviction never pauses: in a small registry one departure is a large share. */
  minInstances: number;
}

/** What a store counts at a sweep. */
export interface EvictionCounts {
  /** Instances renewing on time. */
  live: number;
  /** Instances past their TTL, not yet expired. */
  due: number;
  /** Instances expired within the last window (since the last re-baseline). */
  expiredInWindow: number;
}

export type EvictionState =
  | { paused: false }
  | {
      paused: true;
      since: number;
      /** Due instances at the last sweep. */
      due: number;
      /** When the number of due instances last grew. */
      lastGrowthAt: number;
    };

export interface EvictionDecision {
  state: EvictionState;
  /** Expire the due instances now. */
  expire: boolean;
  /** Set when the decision changes the state, for the alarm log and metric. */
  change?: "paused" | "resumed";
  /** Why it resumed: renewals came back, or the live set became the new baseline. */
  reason?: "renewals-recovered" | "new-baseline";
  /** Forget the window's expirations (after a new baseline). */
  resetWindow: boolean;
}

export const EVICTION_RUNNING: EvictionState = Object.freeze({ paused: false });

/** The share of instances lost within the window: due now or expired recently. */
export function lostShare(counts: EvictionCounts): number {
  const total = counts.live + counts.due + counts.expiredInWindow;
  return total === 0 ? 0 : (counts.due + counts.expiredInWindow) / total;
}

/** Decides, at a sweep at `now`, whether due instances expire and whether eviction pauses or resumes. */
export function decideEviction(state: EvictionState, counts: EvictionCounts, now: number, settings: EvictionSettings): EvictionDecision {
  const total = counts.live + counts.due + counts.expiredInWindow;
  const overThreshold = counts.due > 0 && total >= settings.minInstances && lostShare(counts) > settings.pauseShare;
  if (!state.paused) {
    if (overThreshold)
      return {
        state: { paused: true, since: now, due: counts.due, lastGrowthAt: now },
        expire: false,
        change: "paused",
        resetWindow: false,
      };
    return { state, expire: counts.due > 0, resetWindow: false };
  }
  if (!overThreshold)
    return { state: EVICTION_RUNNING, expire: counts.due > 0, change: "resumed", reason: "renewals-recovered", resetWindow: false };
  const lastGrowthAt = counts.due > state.due ? now : state.lastGrowthAt;
  if (now - lastGrowthAt >= settings.windowMs)
    return { state: EVICTION_RUNNING, expire: true, change: "resumed", reason: "new-baseline", resetWindow: true };
  return { state: { ...state, due: counts.due, lastGrowthAt }, expire: false, resetWindow: false };
}
