import type { RedisGroupCounters } from "../transport-stats.js";

/** Counters of one subscription's consumer, summed per group in `stats().details.groups`. */
export type GroupCounters = RedisGroupCounters;

export function emptyGroupCounters(): GroupCounters {
  return {
    delivered: 0,
    acked: 0,
    failed: 0,
    reclaimed: 0,
    deadLettered: 0,
    filtered: 0,
    deduped: 0,
    trimmedWhilePending: 0,
    ackFailures: 0,
    groupsRecreated: 0,
  };
}

/** Adds every counter of `from` into `into`. */
export function addGroupCounters(into: GroupCounters, from: GroupCounters): void {
  for (const key of Object.keys(from) as (keyof GroupCounters)[]) into[key] += from[key];
}
