/**
 * Counters of one subscription's consumer, summed per group in `stats().details.groups`.
 * With packed entries (`transport.pack`), `delivered`, `failed` and `deduped` count envelopes;
 * the others count stream entries.
 */
export interface GroupCounters {
  /** Handler invocations (first deliveries and redeliveries). */
  delivered: number;
  /** Entries XACKed after success, filtering or deduplication. */
  acked: number;
  /** Deliveries whose promise rejected (the entry stays pending for a reclaim). */
  failed: number;
  /** Entries taken over by XAUTOCLAIM (idle longer than claimIdleMs) and delivered again. */
  reclaimed: number;
  /** Entries parked in `<prefix>:dead` by this consumer. */
  deadLettered: number;
  /** Entries of other topics acked without delivery (`events` layout filters locally). */
  filtered: number;
  /** Redeliveries of an envelope id already handled, acked without running the handler again. */
  deduped: number;
  /** Pending entries MAXLEN deleted before they were acked: real loss, logged as an error. */
  trimmedWhilePending: number;
  /** XACK round trips that failed (the entries stay pending and are reclaimed later). */
  ackFailures: number;
  /** Times the stream or group vanished (NOGROUP) and was recreated. */
  groupsRecreated: number;
}

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
