/**
 * The `runtime` section of a config (name, ops server, state directory, log level): its JSON
 * Schema (the one source of its defaults), the input type users write and the resolved type.
 */
import path from "node:path";
import type { SchemaDefs } from "../../common/config-schema.js";
import { OPS_SCHEMA_DEFS, toResolvedOps } from "../ops/ops-config.js";
import type { OpsConfig, ResolvedOpsConfig } from "../ops/ops-config.js";

/** Schemas of the `runtime` section, referred to as `#/$defs/<name>`. */
export const RUNTIME_SCHEMA_DEFS = {
  ...OPS_SCHEMA_DEFS,
  runtime: {
    type: "object",
    additionalProperties: false,
    properties: {
      name: { type: "string", minLength: 1, default: "plexus" },
      ops: { $ref: "#/$defs/ops", default: {} },
      stateDir: {
        type: "string",
        minLength: 1,
        default: ".plexus",
        description: "Where actors persist state; relative to the config file's directory.",
      },
      log: { $ref: "#/$defs/log", default: {} },
    },
  },
  log: {
    type: "object",
    additionalProperties: false,
    properties: {
      level: { enum: ["trace", "debug", "info", "warn", "error", "fatal", "silent"], default: "info" },
    },
  },
} as const satisfies SchemaDefs;

/** Log levels, most verbose first; `silent` logs nothing. */
export type LogLevel = "trace" | "debug" | "info" | "warn" | "error" | "fatal" | "silent";

/** The runtime's log, as users write it. */
export interface LogConfig {
  /**
   * Lowest level written; `PLEXUS_LOG_LEVEL` overrides it for one run.
   * @defaultValue `"info"`
   */
  level?: LogLevel;
}

/** The `runtime` section as users write it. */
export interface RuntimeConfig {
  /**
   * The runtime's name: `envelope.source` of what it publishes and the base of consumer names.
   * @defaultValue `"plexus"`
   */
  name?: string;
  /**
   * The ops HTTP server; see {@link OpsConfig} for when an object config runs it.
   * @defaultValue `{}`
   */
  ops?: OpsConfig;
  /**
   * Where actors persist state; relative to the config file's directory (an object config's: the
   * working directory).
   * @defaultValue `".plexus"`
   */
  stateDir?: string;
  /**
   * Log settings.
   * @defaultValue `{}`
   */
  log?: LogConfig;
}

/** The `runtime` section with its defaults filled in and `stateDir` absolute. */
export interface ResolvedRuntimeConfig {
  name: string;
  ops: ResolvedOpsConfig;
  stateDir: string;
  log: { level: string };
}

/**
 * The resolved form of a runtime section the schema has checked and filled with defaults.
 * @param baseDir what a relative `stateDir` is resolved against.
 */
export function toResolvedRuntime(validated: RuntimeConfig, baseDir: string): ResolvedRuntimeConfig {
  const { name, ops, stateDir, log } = validated as Required<RuntimeConfig>;
  return { name, ops: toResolvedOps(ops), stateDir: path.resolve(baseDir, stateDir), log: log as Required<LogConfig> };
}
