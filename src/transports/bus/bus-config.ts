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

/** The `bus` section with its defaults filled in. */
export interface ResolvedBusConfig {
  /** `crashRetries` is always there in a loaded config; bounds written in code may leave it out. */
  mailbox: Required<Omit<MailboxConfig, "crashRetries">> & Pick<MailboxConfig, "crashRetries">;
  outbox: ResolvedOutboxConfig;
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
  const { mailbox, outbox, maxPayloadBytes, maxDepth } = validated as Required<BusConfig>;
  const { flushTimeout, ...bounds } = outbox as Required<OutboxConfig>;
  const resolved: ResolvedBusConfig = {
    mailbox: mailbox as Required<MailboxConfig>,
    // The schema rejected anything else, so the duration parses.
    outbox: { ...bounds, flushTimeoutMs: tryParseDuration(flushTimeout) ?? 0 },
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
