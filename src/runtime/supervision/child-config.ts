/**
 * Supervisors and children as users write them (a config's `supervisor` and `children[]`, and
 * `runtime.startChild`'s spec): their JSON Schemas (the one source of their defaults) and input
 * types. `resolve-child.ts` turns them into the `ChildSpec`s the supervision tree runs.
 */
import type { SchemaDefs } from "../../common/config-schema.js";
import { DURATION_SCHEMA } from "../../common/durations.js";
import type { Duration } from "../../common/durations.js";
import type { RestartType, Strategy } from "./child-spec.js";

/** Pattern a child id must match (it becomes a segment of the child's path). */
export const CHILD_ID_PATTERN = "^[A-Za-z0-9_-]+$";

/** What a user reads instead of {@link CHILD_ID_PATTERN} when an id does not match it. */
export const CHILD_ID_SENTENCE = "an id made of letters, digits, '_' and '-'";

/** Schemas of supervisors and children, referred to as `#/$defs/<name>`. */
export const CHILD_SCHEMA_DEFS = {
  duration: DURATION_SCHEMA,
  childId: {
    description: "Unique among siblings; letters, digits, '_' and '-'.",
    type: "string",
    pattern: CHILD_ID_PATTERN,
  },
  supervisor: {
    type: "object",
    additionalProperties: false,
    properties: {
      strategy: { enum: ["one_for_one", "one_for_all", "rest_for_one"], default: "one_for_one" },
      intensity: { type: "integer", minimum: 0, default: 5, description: "Restarts allowed within period before escalating." },
      period: { $ref: "#/$defs/duration", default: "30s" },
      backoff: { $ref: "#/$defs/backoff", default: {} },
      stable: { $ref: "#/$defs/duration", description: "Running this long resets a child's backoff. Default: period." },
    },
  },
  backoff: {
    type: "object",
    additionalProperties: false,
    properties: {
      min: { $ref: "#/$defs/duration", default: "100ms" },
      max: { $ref: "#/$defs/duration", default: "30s" },
      jitter: { type: "number", minimum: 0, maximum: 1, default: 0.2 },
    },
  },
  children: {
    type: "array",
    items: { $ref: "#/$defs/child" },
  },
  child: {
    type: "object",
    if: { required: ["supervisor"] },
    then: { $ref: "#/$defs/supervisorChild" },
    else: { $ref: "#/$defs/workerChild" },
  },
  restart: {
    enum: ["permanent", "transient", "temporary"],
    description: "permanent: always restarted; transient: only after a failure; temporary: never.",
  },
  workerChild: {
    type: "object",
    additionalProperties: false,
    required: ["id", "kind"],
    properties: {
      id: { $ref: "#/$defs/childId" },
      kind: { type: "string", minLength: 1, description: "A registered actor kind." },
      restart: { $ref: "#/$defs/restart", default: "permanent" },
      shutdown: { $ref: "#/$defs/duration", default: "5s", description: "Time given to stop before being forced." },
      options: { type: "object", default: {}, description: "Validated against the kind's own options schema." },
    },
  },
  supervisorChild: {
    type: "object",
    additionalProperties: false,
    required: ["id", "supervisor", "children"],
    properties: {
      id: { $ref: "#/$defs/childId" },
      supervisor: { $ref: "#/$defs/supervisor" },
      children: { $ref: "#/$defs/children" },
      restart: { $ref: "#/$defs/restart", default: "permanent" },
      shutdown: {
        $ref: "#/$defs/duration",
        description: "Default: the sum of its children's shutdowns (they stop one by one), at least 5s.",
      },
    },
  },
} as const satisfies SchemaDefs;

/** Delays between restarts of a failing child: doubling from `min` to `max`, with jitter. */
export interface BackoffConfig {
  /**
   * Delay before the first restart.
   * @defaultValue `"100ms"`
   */
  min?: Duration;
  /**
   * Longest delay between restarts.
   * @defaultValue `"30s"`
   */
  max?: Duration;
  /**
   * 0..1: each delay is multiplied by a random factor in [1 - jitter, 1 + jitter].
   * @defaultValue `0.2`
   */
  jitter?: number;
}

/** A supervisor (the root one in `supervisor:`, or a nested one) as users write it. */
export interface SupervisorConfig {
  /**
   * Which children restart when one fails: itself only, all of them, or it and those started after it.
   * @defaultValue `"one_for_one"`
   */
  strategy?: Strategy;
  /**
   * Restarts allowed within `period` before the supervisor gives up and escalates.
   * @defaultValue `5`
   */
  intensity?: number;
  /**
   * The window `intensity` counts restarts in.
   * @defaultValue `"30s"`
   */
  period?: Duration;
  /**
   * Delays between restarts; left out, every key has its default.
   * @defaultValue `{}`
   */
  backoff?: BackoffConfig;
  /** A child running this long without failing has its backoff reset. Defaults to `period`. */
  stable?: Duration;
}

/** A child that runs an actor of a registered kind. */
export interface WorkerChildConfig {
  /** Unique among siblings; letters, digits, `_` and `-`. */
  id: string;
  /** A registered actor kind. */
  kind: string;
  /**
   * `permanent`: always restarted; `transient`: only after a failure; `temporary`: never.
   * @defaultValue `"permanent"`
   */
  restart?: RestartType;
  /**
   * Time given to stop before being forced.
   * @defaultValue `"5s"`
   */
  shutdown?: Duration;
  /**
   * The kind's options, checked against its options schema (which fills in its defaults).
   * @defaultValue `{}`
   */
  options?: Record<string, unknown>;
}

/** A child that is itself a supervisor of children. */
export interface SupervisorChildConfig {
  /** Unique among siblings; letters, digits, `_` and `-`. */
  id: string;
  supervisor: SupervisorConfig;
  children: ChildConfig[];
  /**
   * `permanent`: always restarted; `transient`: only after a failure; `temporary`: never.
   * @defaultValue `"permanent"`
   */
  restart?: RestartType;
  /**
   * Time given to stop before being forced. Defaults to the sum of its children's (they stop one
   * by one), at least the default of a worker's.
   */
  shutdown?: Duration;
}

/** One entry of `children[]`, or the spec given to `runtime.startChild`. */
export type ChildConfig = WorkerChildConfig | SupervisorChildConfig;
