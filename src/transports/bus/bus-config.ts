/**
 * The `bus` and `contracts` sections of a config: their JSON Schemas (the one source of their
 * defaults), the input types users write (`BusConfig`, `ContractsConfig`), the resolved types and
 * the functions from one to the other.
 */
import path from "node:path";
import { applySchema, sectionSchema } from "../../common/config-schema.js";
import type { ResolveOptions, SchemaDefs } from "../../common/config-schema.js";
import { DURATION_SCHEMA, tryParseDuration } from "../../common/durations.js";
import type { Duration } from "../../common/durations.js";

/** Schemas of the `bus` and `contracts` sections, referred to as `#/$defs/<name>`. */
export const BUS_SCHEMA_DEFS = {
  duration: DURATION_SCHEMA,
  contracts: {
    type: "object",
    additionalProperties: false,
    properties: {
      dir: { type: "string", minLength: 1, default: "contracts", description: "Relative to the config file's directory." },
      mode: { enum: ["enforce", "warn", "off"], default: "enforce" },
    },
  },
  bus: {
    type: "object",
    additionalProperties: false,
    properties: {
      mailbox: { $ref: "#/$defs/mailbox", default: {} },
      outbox: { $ref: "#/$defs/outbox", default: {} },
      claimCheck: { $ref: "#/$defs/claimCheck", default: {} },
      maxPayloadBytes: { type: "integer", minimum: 1, default: 4194304 },
      maxDepth: {
        type: "integer",
        minimum: 1,
        maximum: 1000,
        default: 64,
        description:
          "Deepest nesting of arrays and objects in a message's JSON, the envelope counting as one level. Deeper messages from other processes are dead-lettered; deeper publishes are refused.",
      },
    },
  },
  mailbox: {
    type: "object",
    additionalProperties: false,
    properties: {
      capacity: { type: "integer", minimum: 1, default: 10000 },
      overflow: { enum: ["block", "drop-oldest", "drop-newest", "reject"], default: "drop-oldest" },
      crashRetries: {
        type: "integer",
        minimum: 0,
        default: 2,
        description:
          "Actors only: times the message being handled when its actor failed is handed to the restarted actor before it is dead-lettered (reason crashed).",
      },
    },
  },
  outbox: {
    type: "object",
    additionalProperties: false,
    properties: {
      capacity: { type: "integer", minimum: 1, default: 100000 },
      overflow: { enum: ["drop-oldest", "drop-newest", "reject"], default: "drop-oldest" },
      flushTimeout: {
        $ref: "#/$defs/duration",
        default: "5s",
        description:
          "How long closing the bus waits for the transport to take what the outbox still holds; what is left after it is counted and logged as dropped.",
      },
    },
  },
  claimCheck: {
    type: "object",
    additionalProperties: false,
    properties: {
      enabled: {
        type: "boolean",
        default: false,
        description:
          "Store payloads above thresholdBytes in a blob store and send a reference instead (every bus of the system needs it on).",
      },
      thresholdBytes: {
        type: "integer",
        minimum: 1,
        default: 262144,
        description: "Payloads larger than this (bytes of JSON, or of a Buffer) travel as a reference to a stored blob.",
      },
      maxBlobBytes: {
        type: "integer",
        minimum: 1,
        default: 67108864,
        description: "Largest payload a claim-checked publish accepts; bus.maxPayloadBytes then caps only what crosses the transport.",
      },
      store: {
        enum: ["auto", "file", "redis"],
        default: "auto",
        description: "auto: redis when the transport is redis, else a directory. redis needs the redis transport.",
      },
      dir: {
        type: "string",
        minLength: 1,
        default: "blobs",
        description: "Directory of the file store, relative to runtime.stateDir.",
      },
      ttl: {
        $ref: "#/$defs/duration",
        default: "1d",
        description:
          "How long a blob is kept. Must outlive the time a message can wait in the transport (on redis: claimIdleMs × (maxDeliveries + 1) + blockMs); a message read after its blob expired is dead-lettered (claim-check-missing).",
      },
      maxPending: {
        type: "integer",
        minimum: 1,
        default: 64,
        description: "Claim-checked publishes still being stored at once; beyond it a publish is refused (CLAIM_CHECK_BUSY).",
      },
    },
  },
} as const satisfies SchemaDefs;

/** What a contract violation does: reject the publish, log a warning, or nothing. */
export type ContractMode = "enforce" | "warn" | "off";

/** The `contracts` section as users write it. */
export interface ContractsConfig {
  /**
   * Directory of JSON Schema (draft 2020-12) files, each naming its topic pattern(s) in `x-topic`;
   * relative to the config file's directory (an object config's: the working directory).
   * @defaultValue `"contracts"`
   */
  dir?: string;
  /**
   * `enforce` rejects a violating publish (and dead-letters a violating delivery), `warn` logs it,
   * `off` skips the checks.
   * @defaultValue `"enforce"`
   */
  mode?: ContractMode;
}

/** Default bound of each subscription's mailbox (a subscription may set its own). */
export interface MailboxConfig {
  /**
   * Messages queued per subscription.
   * @defaultValue `10000`
   */
  capacity?: number;
  /**
   * What happens to a message that finds the mailbox full: `block` the publisher (in memory),
   * drop the oldest or the newest, or `reject` the publish.
   * @defaultValue `"drop-oldest"`
   */
  overflow?: "block" | "drop-oldest" | "drop-newest" | "reject";
  /**
   * Actors only. A message whose handler was running when its actor failed is handed to the
   * restarted actor again, at most this many times; then it is dead-lettered with reason
   * `crashed` and the failure, and the next messages go on. Keep it below the supervisor's
   * `intensity`, or one poison message escalates.
   * @defaultValue `2`
   */
  crashRetries?: number;
}

/** Publishes buffered while a network transport is unreachable, replayed in order. */
export interface OutboxConfig {
  /**
   * Envelopes held while the transport is down.
   * @defaultValue `100000`
   */
  capacity?: number;
  /**
   * What happens to a publish that finds the outbox full.
   * @defaultValue `"drop-oldest"`
   */
  overflow?: "drop-oldest" | "drop-newest" | "reject";
  /**
   * How long closing the bus (a runtime's stop, after its actors stopped) waits for the transport
   * to take the publishes still waiting, reconnecting if it must. What is still unsent after it is
   * counted as dropped (`outbox.dropped`) and logged with the reason; `0` drops it at once.
   * @defaultValue `"5s"`
   */
  flushTimeout?: Duration;
}

/** Claim-check: large payloads stored in a blob store, the message carrying a reference. */
export interface ClaimCheckConfig {
  /**
   * Store payloads above `thresholdBytes` and send `{ ref, size, sha256, contentType }` instead;
   * subscribers get the payload back, verified. Turn it on in every process of the system.
   * @defaultValue `false`
   */
  enabled?: boolean;
  /**
   * Payloads larger than this many bytes (their JSON; a Buffer's own bytes) are claim-checked.
   * On the memory transport only payloads whose size is known without encoding them (strings,
   * Buffers, typed arrays) are measured; `publish(…, { claimCheck: true })` forces it.
   * @defaultValue `262144`
   */
  thresholdBytes?: number;
  /**
   * Largest payload a claim-checked publish accepts (`PAYLOAD_TOO_LARGE` above it).
   * `maxPayloadBytes` still caps what crosses the transport.
   * @defaultValue `67108864`
   */
  maxBlobBytes?: number;
  /**
   * `auto`: Redis keys with an expiry when the transport is Redis, else a directory.
   * @defaultValue `"auto"`
   */
  store?: "auto" | "file" | "redis";
  /**
   * Directory of the file store, relative to `runtime.stateDir`. Publisher and subscribers must share it.
   * @defaultValue `"blobs"`
   */
  dir?: string;
  /**
   * How long a blob is kept: it must outlive the time a message can wait in the transport (on
   * Redis at least `claimIdleMs × (maxDeliveries + 1) + blockMs`; checked when the bus opens).
   * @defaultValue `"1d"`
   */
  ttl?: Duration;
  /**
   * Claim-checked publishes being stored at once; beyond it a publish is refused (`CLAIM_CHECK_BUSY`).
   * @defaultValue `64`
   */
  maxPending?: number;
}

/** The `bus` section as users write it: mailbox, outbox and payload bounds. */
export interface BusConfig {
  /**
   * Default mailbox of each subscription; left out, every key has its default.
   * @defaultValue `{}`
   */
  mailbox?: MailboxConfig;
  /**
   * The buffer of publishes waiting for the transport; left out, every key has its default.
   * @defaultValue `{}`
   */
  outbox?: OutboxConfig;
  /**
   * Claim-check of large payloads; left out, every key has its default (off).
   * @defaultValue `{}`
   */
  claimCheck?: ClaimCheckConfig;
  /**
   * Largest payload accepted by `publish`, in bytes of JSON on network transports.
   * @defaultValue `4194304`
   */
  maxPayloadBytes?: number;
  /**
   * Deepest nesting of arrays and objects in a message's JSON (the envelope counts as one level).
   * A message from another process nested deeper is dead-lettered with its raw text before any
   * handler sees it; a publish over a network transport (and `POST /publish`) nested deeper is
   * refused with `PAYLOAD_TOO_DEEP`. At most 1000: far deeper, encoding JSON overflows the stack.
   * @defaultValue `64`
   */
  maxDepth?: number;
}

/** The `contracts` section, resolved. */
export interface ResolvedContractsConfig {
  /** Absolute path of the directory of JSON Schema files. */
  dir: string;
  mode: ContractMode;
}

/**
 * The default of `bus.mailbox.crashRetries`, taken from the schema, for bounds built in code
 * without it (the Bus itself does not use it; an actor's slot does).
 */
export const DEFAULT_CRASH_RETRIES: number = BUS_SCHEMA_DEFS.mailbox.properties.crashRetries.default;

/** The `outbox` section with its defaults filled in, durations in milliseconds. */
export interface ResolvedOutboxConfig {
  capacity: number;
  overflow: "drop-oldest" | "drop-newest" | "reject";
  /** See {@link OutboxConfig.flushTimeout}. */
  flushTimeoutMs: number;
}

/** The `claimCheck` section with its defaults filled in, the TTL in milliseconds. */
export interface ResolvedClaimCheckConfig {
  enabled: boolean;
  thresholdBytes: number;
  maxBlobBytes: number;
  store: "auto" | "file" | "redis";
  dir: string;
  ttlMs: number;
  maxPending: number;
}

/** The `bus` section with its defaults filled in. */
export interface ResolvedBusConfig {
  /** `crashRetries` is always there in a loaded config; bounds written in code may leave it out. */
  mailbox: Required<Omit<MailboxConfig, "crashRetries">> & Pick<MailboxConfig, "crashRetries">;
  outbox: ResolvedOutboxConfig;
  /** Absent in bounds written in code before claim-check existed: then it is off. */
  claimCheck?: ResolvedClaimCheckConfig;
  maxPayloadBytes: number;
  maxDepth: number;
}

/**
 * The schema's default of `bus.maxDepth`, for the parts that check depth without a bus section
 * at hand (a transport or ops server built on its own).
 */
export const DEFAULT_MAX_DEPTH: number = BUS_SCHEMA_DEFS.bus.properties.maxDepth.default;

/** The largest `bus.maxDepth` the schema allows: nothing nested deeper can be published on any bus. */
export const LARGEST_MAX_DEPTH: number = BUS_SCHEMA_DEFS.bus.properties.maxDepth.maximum;

const BUS_SECTION = sectionSchema("bus", BUS_SCHEMA_DEFS);
const CONTRACTS_SECTION = sectionSchema("contracts", BUS_SCHEMA_DEFS);

/**
 * The resolved form of a bus section the schema has checked and filled (every key has a
 * default): durations become milliseconds.
 */
export function toResolvedBus(validated: BusConfig): ResolvedBusConfig {
  const { mailbox, outbox, claimCheck, maxPayloadBytes, maxDepth } = validated as Required<BusConfig>;
  const { flushTimeout, ...bounds } = outbox as Required<OutboxConfig>;
  const { ttl, ...claim } = claimCheck as Required<ClaimCheckConfig>;
  const resolved: ResolvedBusConfig = {
    mailbox: mailbox as Required<MailboxConfig>,
    // The schema rejected anything else, so the durations parse.
    outbox: { ...bounds, flushTimeoutMs: tryParseDuration(flushTimeout) ?? 0 },
    claimCheck: { ...claim, ttlMs: tryParseDuration(ttl) ?? 0 },
    maxPayloadBytes,
    maxDepth,
  };
  checked.add(resolved);
  return resolved;
}

/**
 * Sections that went through the schema already (a loaded config's `bus`), so that a MessageBus
 * built from one does not compile and run the schema a second time.
 */
const checked = new WeakSet<object>();

/** The resolved form of a contracts section the schema has checked: `dir` made absolute against `baseDir`. */
export function toResolvedContracts(validated: ContractsConfig, baseDir: string): ResolvedContractsConfig {
  const { dir, mode } = validated as Required<ContractsConfig>;
  return { dir: path.resolve(baseDir, dir), mode };
}

/**
 * Applies the schema's defaults and checks to a bus section given in code, as the config loader
 * does for a file. No section at all means every default.
 * @throws ConfigError (code `CONFIG_INVALID`, non-retryable) naming each bad key path.
 */
export function resolveBusConfig(input: BusConfig | ResolvedBusConfig = {}, options: ResolveOptions = {}): ResolvedBusConfig {
  if (checked.has(input)) return input as ResolvedBusConfig;
  const validated = applySchema(BUS_SECTION, input, { caller: options.caller ?? "resolveBusConfig", at: options.at ?? ["bus"] });
  return toResolvedBus(validated as BusConfig);
}

/**
 * Applies the schema's defaults and checks to a contracts section given in code.
 * @param baseDir what a relative `dir` is resolved against; default the working directory.
 * @throws ConfigError (code `CONFIG_INVALID`, non-retryable) naming each bad key path.
 */
export function resolveContractsConfig(
  input: ContractsConfig,
  baseDir: string = process.cwd(),
  options: ResolveOptions = {},
): ResolvedContractsConfig {
  const validated = applySchema(CONTRACTS_SECTION, input, {
    caller: options.caller ?? "resolveContractsConfig",
    at: options.at ?? ["contracts"],
  });
  return toResolvedContracts(validated as ContractsConfig, baseDir);
}
