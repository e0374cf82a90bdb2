/**
 * The `transport` section of a config: its JSON Schema (the one source of its defaults), the input
 * types users write (`TransportConfig`), the resolved types the backends take (`Resolved*`:
 * defaults filled in, durations in milliseconds) and the function from one to the other.
 */
import { applySchema, sectionSchema } from "../common/config-schema.js";
import type { ResolveOptions, SchemaDefs } from "../common/config-schema.js";
import { DURATION_SCHEMA, tryParseDuration } from "../common/durations.js";
import type { Duration } from "../common/durations.js";

/** Schemas of the transport section, referred to as `#/$defs/<name>`; `transport` is the section. */
export const TRANSPORT_SCHEMA_DEFS = {
  duration: DURATION_SCHEMA,
  transport: {
    type: "object",
    required: ["kind"],
    properties: {
      kind: { enum: ["memory", "zmq", "redis"] },
    },
    allOf: [
      {
        if: { required: ["kind"], properties: { kind: { const: "memory" } } },
        then: { $ref: "#/$defs/memoryTransport" },
      },
      {
        if: { required: ["kind"], properties: { kind: { const: "zmq" } } },
        then: { $ref: "#/$defs/zmqTransport" },
      },
      {
        if: { required: ["kind"], properties: { kind: { const: "redis" } } },
        then: { $ref: "#/$defs/redisTransport" },
      },
    ],
  },
  memoryTransport: {
    type: "object",
    additionalProperties: false,
    properties: { kind: { const: "memory" } },
  },
  zmqTransport: {
    type: "object",
    additionalProperties: false,
    properties: {
      kind: { const: "zmq" },
      xsub: { type: "string", minLength: 1, default: "tcp://127.0.0.1:5556", description: "Publishers connect here." },
      xpub: { type: "string", minLength: 1, default: "tcp://127.0.0.1:5557", description: "Subscribers connect here." },
      noDrop: { type: "boolean", default: false, description: "Block instead of dropping at the high-water mark." },
      sendHighWaterMark: { type: "integer", minimum: 1, default: 10000 },
      receiveHighWaterMark: { type: "integer", minimum: 1, default: 10000 },
      batchFrames: {
        type: "boolean",
        default: false,
        description:
          "plexus-only: runs of envelopes on one topic travel as one zmq message (several times the throughput). Foreign pyzmq subscribers do not receive these; leave off when they consume what plexus publishes.",
      },
      connectWait: {
        $ref: "#/$defs/duration",
        default: "1s",
        description:
          "How long connecting waits for a route through the proxy before going on; publishes wait in the outbox until one is confirmed.",
      },
    },
  },
  redisTransport: {
    type: "object",
    additionalProperties: false,
    properties: {
      kind: { const: "redis" },
      url: { type: "string", minLength: 1, default: "redis://127.0.0.1:6379" },
      prefix: { type: "string", minLength: 1, default: "orion" },
      layout: { enum: ["events", "per-topic"], default: "events" },
      maxLen: {
        type: "integer",
        minimum: 1,
        default: 10000,
        description:
          "Length each stream is trimmed towards. Entries a consumer group has not read and acked are never trimmed: the stream grows past maxLen while a group lags, up to maxLenHard.",
      },
      maxLenHard: {
        type: "integer",
        minimum: 1,
        default: 100000,
        description:
          "Length no stream exceeds, even while a group lags (at least maxLen): beyond it the oldest entries are trimmed anyway, and each one a group had not read is counted and logged as lost to it.",
      },
      claimIdleMs: { $ref: "#/$defs/duration", default: "30s" },
      maxDeliveries: { type: "integer", minimum: 1, default: 5 },
      blockMs: { $ref: "#/$defs/duration", default: "1s" },
      batch: { type: "integer", minimum: 1, default: 100 },
      dedupeWindow: {
        type: "integer",
        minimum: 0,
        default: 10000,
        description: "Envelope ids remembered per consumer; 0 turns dedupe off.",
      },
      pack: {
        type: "integer",
        minimum: 1,
        default: 1,
        description:
          "plexus-only: most envelopes per stream entry (runs on one topic, fields topic + envelopes JSON array; several times the throughput). Foreign readers (ORION, redis-cli scripts) see packed entries instead of one envelope each; keep 1 when they consume what plexus publishes. plexus consumers read both forms.",
      },
      publishWindow: {
        type: "integer",
        minimum: 1,
        maximum: 64,
        default: 4,
        description:
          "Publish pipelines (batches of XADDs) in flight at once on the one publishing connection; Redis runs them in order. 1 waits for each batch before sending the next.",
      },
    },
  },
} as const satisfies SchemaDefs;

/** The schema's default of `transport.publishWindow`, for a resolved config written in code without it. */
export const DEFAULT_PUBLISH_WINDOW: number = TRANSPORT_SCHEMA_DEFS.redisTransport.properties.publishWindow.default;

/** The schema's default of `transport.maxLenHard`, for a resolved config written in code without it. */
export const DEFAULT_MAX_LEN_HARD: number = TRANSPORT_SCHEMA_DEFS.redisTransport.properties.maxLenHard.default;

/** The in-process transport: one process, no serialisation on the hot path. */
export interface MemoryTransportConfig {
  kind: "memory";
}

/** ZeroMQ through an XSUB/XPUB proxy (the `proxy` actor or any other), wire-compatible with pyzmq. */
export interface ZmqTransportConfig {
  kind: "zmq";
  /**
   * Endpoint publishers connect to (the proxy's XSUB side).
   * @defaultValue `"tcp://127.0.0.1:5556"`
   */
  xsub?: string;
  /**
   * Endpoint subscribers connect to (the proxy's XPUB side).
   * @defaultValue `"tcp://127.0.0.1:5557"`
   */
  xpub?: string;
  /**
   * Wait instead of dropping when a socket reaches its high-water mark (lossless back-pressure).
   * @defaultValue `false`
   */
  noDrop?: boolean;
  /**
   * Messages queued per outgoing socket before the high-water mark applies.
   * @defaultValue `10000`
   */
  sendHighWaterMark?: number;
  /**
   * Messages queued per incoming socket before the high-water mark applies.
   * @defaultValue `10000`
   */
  receiveHighWaterMark?: number;
  /**
   * plexus-only wire optimisation: runs of envelopes on one topic travel as one zmq message.
   * Foreign pyzmq subscribers do not receive those; leave it off when they consume what you publish.
   * @defaultValue `false`
   */
  batchFrames?: boolean;
  /**
   * How long connecting waits for a first route through the proxy before going on; publishes wait
   * in the outbox until one is confirmed.
   * @defaultValue `"1s"`
   */
  connectWait?: Duration;
}

/** Redis Streams with consumer groups: at-least-once delivery across processes. */
export interface RedisTransportConfig {
  kind: "redis";
  /**
   * Where Redis listens (`redis://[user:password@]host:port[/db]`).
   * @defaultValue `"redis://127.0.0.1:6379"`
   */
  url?: string;
  /**
   * First part of every key plexus writes (`<prefix>:events`, `<prefix>:dead`, ...).
   * @defaultValue `"orion"`
   */
  prefix?: string;
  /**
   * `events`: one stream for all topics (ORION-compatible); `per-topic`: one stream per topic.
   * @defaultValue `"events"`
   */
  layout?: "events" | "per-topic";
  /**
   * Length each stream is trimmed towards (approximately, as `MAXLEN ~`). Entries a consumer group
   * (of any process) has not read and acked are never trimmed: while a group lags, its stream
   * grows past `maxLen` (up to `maxLenHard`), and the group holding it is logged and reported
   * (`trimHeldBy`).
   * @defaultValue `10000`
   */
  maxLen?: number;
  /**
   * Length no stream exceeds, even while a consumer group lags (an abandoned group would otherwise
   * keep its stream growing): beyond it the oldest entries are trimmed anyway, and every one a
   * group had not read is counted (`drops["trimmed-unread"]`, per group in `trimmedUnread`) and
   * logged as lost to that group when it happens. At least `maxLen`.
   * @defaultValue `100000`
   */
  maxLenHard?: number;
  /**
   * Pending entries idle this long are reclaimed from consumers that died.
   * @defaultValue `"30s"`
   */
  claimIdleMs?: Duration;
  /**
   * Deliveries of one entry before it goes to the dead-letter stream with its error.
   * @defaultValue `5`
   */
  maxDeliveries?: number;
  /**
   * How long one blocking read waits (`XREADGROUP BLOCK`).
   * @defaultValue `"1s"`
   */
  blockMs?: Duration;
  /**
   * Most entries one read returns (`XREADGROUP COUNT`).
   * @defaultValue `100`
   */
  batch?: number;
  /**
   * Envelope ids remembered per consumer to drop redelivered duplicates; 0 turns dedupe off.
   * @defaultValue `10000`
   */
  dedupeWindow?: number;
  /**
   * Most envelopes written per stream entry (runs on one topic); 1 writes one plain entry per
   * envelope, the ORION-compatible form. Above 1 is for plexus peers only: foreign readers see
   * packed entries (`topic`, `envelopes` JSON array). Consumers read both forms.
   * @defaultValue `1`
   */
  pack?: number;
  /**
   * Publish pipelines (batches of XADDs) in flight at once on the one publishing connection.
   * Redis runs them in the order sent, so order is kept; only a command-level error on one batch
   * (out of memory, say) while a later batch succeeds can let the later one land first.
   * @defaultValue `4`
   */
  publishWindow?: number;
}

/** The `transport` section as users write it; keys with a default may be left out. */
export type TransportConfig = MemoryTransportConfig | ZmqTransportConfig | RedisTransportConfig;

/** The memory transport, resolved. */
export interface ResolvedMemoryTransportConfig {
  kind: "memory";
}

/** The zmq transport with its defaults filled in and durations in milliseconds. */
export interface ResolvedZmqTransportConfig {
  kind: "zmq";
  xsub: string;
  xpub: string;
  noDrop: boolean;
  sendHighWaterMark: number;
  receiveHighWaterMark: number;
  /** See {@link ZmqTransportConfig.batchFrames}; absent = off. */
  batchFrames?: boolean;
  /** See {@link ZmqTransportConfig.connectWait}; absent = the transport's own default. */
  connectWaitMs?: number;
}

/** The redis transport with its defaults filled in and durations in milliseconds. */
export interface ResolvedRedisTransportConfig {
  kind: "redis";
  url: string;
  prefix: string;
  layout: "events" | "per-topic";
  maxLen: number;
  /** See {@link RedisTransportConfig.maxLenHard}; absent = the schema's default. */
  maxLenHard?: number;
  claimIdleMs: number;
  maxDeliveries: number;
  blockMs: number;
  batch: number;
  dedupeWindow: number;
  /** See {@link RedisTransportConfig.pack}; absent = 1. */
  pack?: number;
  /** See {@link RedisTransportConfig.publishWindow}; absent = 4. */
  publishWindow?: number;
}

/** The `transport` section, resolved: what `createTransport` builds a backend from. */
export type ResolvedTransportConfig = ResolvedMemoryTransportConfig | ResolvedZmqTransportConfig | ResolvedRedisTransportConfig;

const TRANSPORT_SECTION = sectionSchema("transport", TRANSPORT_SCHEMA_DEFS);

/** Milliseconds of a duration the schema accepted (a rejected one was reported already; 0 is never used). */
function milliseconds(value: unknown): number {
  return tryParseDuration(value) ?? 0;
}

/**
 * The resolved form of a transport section that the schema has checked and filled with defaults
 * (the loader's and {@link resolveTransportConfig}'s last step): durations become milliseconds.
 */
export function toResolvedTransport(validated: TransportConfig): ResolvedTransportConfig {
  switch (validated.kind) {
    case "zmq": {
      // Every key has a schema default, so after validation every key is present.
      const { connectWait, ...rest } = validated as Required<ZmqTransportConfig>;
      return { ...rest, connectWaitMs: milliseconds(connectWait) };
    }
    case "redis": {
      const redis = validated as Required<RedisTransportConfig>;
      return { ...redis, claimIdleMs: milliseconds(redis.claimIdleMs), blockMs: milliseconds(redis.blockMs) };
    }
    default:
      return { kind: "memory" };
  }
}

/**
 * Applies the schema's defaults and checks to a transport section given in code, exactly as the
 * config loader does for a file.
 * @throws ConfigError (code `CONFIG_INVALID`, non-retryable) naming each bad key path, e.g.
 *   `createTransport: transport.maxLen: expected an integer, got "x"`.
 */
export function resolveTransportConfig(input: TransportConfig, options: ResolveOptions = {}): ResolvedTransportConfig {
  const validated = applySchema(TRANSPORT_SECTION, input, {
    caller: options.caller ?? "resolveTransportConfig",
    at: options.at ?? ["transport"],
  });
  return toResolvedTransport(validated as TransportConfig);
}
