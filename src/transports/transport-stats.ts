/**
 * What transports report about themselves (`transport.stats()`, `bus.stats().transport`, the ops
 * server's `/health` body and `/metrics`). One shape per built-in kind, discriminated on `kind`, so
 * `if (stats.kind === "redis") stats.details.groups` needs no cast; a custom transport reports a
 * `custom:<name>` kind with free-form details, which can never be mistaken for a built-in one.
 */

/** `kind` of a transport that is not built in: `custom:` and its own name, e.g. `custom:nats`. */
export type CustomTransportKind = `custom:${string}`;

/** Every transport's `kind`: the built-in ones, or a {@link CustomTransportKind}. */
export type TransportKind = "memory" | "zmq" | "redis" | CustomTransportKind;

/** The counters every transport reports, whatever its kind. */
export interface TransportStatsCommon {
  /** True while the transport can deliver (zmq: a route through the proxy is confirmed). */
  connected: boolean;
  /** Envelopes handed to the transport (since it was created). */
  published: number;
  /** Envelopes the transport delivered to subscriptions. */
  delivered: number;
  /** Publishes that matched no subscriber (memory) or had no route yet (zmq); 0 on redis. */
  unrouted: number;
  /** Drops below the Bus (e.g. ZeroMQ high-water mark, redis trimmed-before-ack), per socket or stream. */
  drops: Record<string, number>;
}

/** Stats of the in-process `memory` transport. */
export interface MemoryTransportStats extends TransportStatsCommon {
  kind: "memory";
  details: {
    /** Live subscriptions. */
    subscriptions: number;
    /** Queue groups among them. */
    groups: number;
    /** Topic→subscriptions cache entries evicted (a high rate means many distinct topics). */
    matchCacheEvictions: number;
  };
}

/** Stats of the `zmq` transport (one process's sockets to the XSUB/XPUB proxy). */
export interface ZmqTransportStats extends TransportStatsCommon {
  kind: "zmq";
  details: {
    /** Endpoint the publisher socket connects to. */
    xsub: string;
    /** Endpoint the subscriber socket connects to. */
    xpub: string;
    /** Whether a full send queue blocks instead of dropping. */
    noDrop: boolean;
    publisherConnected: boolean;
    subscriberConnected: boolean;
    /** Messages waiting to be written to the publisher socket. */
    sendQueueDepth: number;
    /** Messages written to the publisher socket. */
    sent: number;
    /** Writes retried because the socket was at its high-water mark. */
    socketFullRetries: number;
    /** Messages read from the subscriber socket. */
    received: number;
    /** Messages admitted by a socket prefix filter that no pattern matched. */
    filteredByPrefix: number;
    /** Messages from foreign (non-plexus) publishers wrapped in an envelope. */
    foreignWrapped: number;
    /** Messages that could not be decoded or encoded, handed to the Bus's dead letters. */
    deadLettered: number;
    /** Envelopes left out of a publish because JSON cannot encode them (dead-lettered without their payload). */
    unencodable: number;
    /** Deliveries a mailbox refused. */
    refusedDeliveries: number;
    /** Topic prefixes subscribed on the socket. */
    subscribedPrefixes: number;
    /** Route probes through the proxy that came back. */
    probesSucceeded: number;
    /** Route probes that timed out. */
    probesTimedOut: number;
  };
}

/**
 * Counters of one redis consumer group in this process, summed over its consumers (and those that
 * already closed). With packed entries (`transport.pack`), `delivered`, `failed` and `deduped`
 * count envelopes; the others count stream entries.
 */
export interface RedisGroupCounters {
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
  /** Pending entries deleted by someone else's trim or XDEL before they were acked: real loss, logged as an error. */
  trimmedWhilePending: number;
  /** XACK round trips that failed (the entries stay pending and are reclaimed later). */
  ackFailures: number;
  /** Times the stream or group vanished (NOGROUP) and was recreated. */
  groupsRecreated: number;
}

/** One consumer group in the redis transport's stats. Groups whose consumers all closed keep only their counters. */
export interface RedisGroupStats extends RedisGroupCounters {
  /** Live consumers of the group in this process. */
  consumers: number;
  /** Pattern the group reads (absent once its consumers closed). */
  pattern?: string;
  /** Streams the group reads. */
  streams?: string[];
  /** Entries not yet read by the group, summed over its streams; null when Redis cannot tell. */
  lag?: number | null;
  /** Entries read but not yet acknowledged, summed over its streams. */
  pending?: number | null;
}

/** Stats of the `redis` (Streams with consumer groups) transport. */
export interface RedisTransportStats extends TransportStatsCommon {
  kind: "redis";
  details: {
    /** Stream layout: one `events` stream, or one stream per topic. */
    layout: "events" | "per-topic";
    /** Key prefix of every stream and set. */
    prefix: string;
    /** Per consumer group. */
    groups: Record<string, RedisGroupStats>;
    /** Entries parked in the dead-letter stream. */
    deadLettered: number;
    /** Envelopes left out of a publish because JSON cannot encode them (dead-lettered without their payload). */
    unencodable: number;
    /** Batches whose XADD failed (kept in the Bus's outbox). */
    publishErrors: number;
    /** Entries this process's trims deleted (each read and acked by every group on its stream). */
    trimmed: number;
    /**
     * Streams held above `maxLen` because a consumer group (of any process) still needs older
     * entries: the group, the oldest entry it needs, and the stream's length.
     */
    trimHeldBy: Record<string, { group: string; neededFrom: string; length: number }>;
    /**
     * Entries this process trimmed at `maxLenHard` that a group had not read yet, by group: lost
     * to that group (also in `drops["trimmed-unread"]`).
     */
    trimmedUnread: Record<string, number>;
    /** Times the trim guard warned that a group of this process fell behind by 80 % of maxLen. */
    trimWarnings: number;
    /** Groups (`stream#group`) of this process behind by 80 % of maxLen or more. */
    groupsAtRisk: string[];
    /** Envelope ids that fell out of the dedupe window. */
    dedupeEvictions: number;
  };
}

/** Stats of a transport that is not built in; `details` is whatever it chooses to report. */
export interface CustomTransportStats extends TransportStatsCommon {
  kind: CustomTransportKind;
  details?: Record<string, unknown>;
}

/**
 * A point-in-time view of a transport's counters, reported in `/health`, `/metrics` and `plexus
 * status`. Narrow on `kind` to read a built-in transport's typed `details`.
 */
export type TransportStats = MemoryTransportStats | ZmqTransportStats | RedisTransportStats | CustomTransportStats;
