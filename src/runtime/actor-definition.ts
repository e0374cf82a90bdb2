import type { AnyStateMachine } from "xstate";
import type { Bus } from "../transports/bus/bus.js";
import type { Logger } from "../common/logger.js";
import type { Metrics } from "../common/metrics.js";
import type { Clock } from "../common/clock.js";

/** JSON Schema (draft 2020-12) of an actor kind's options. */
export type OptionsSchema = Record<string, unknown>;

/** Persisted state of one actor: atomic JSON snapshots under the runtime's stateDir. */
export interface ActorStateStore {
  /** The last saved value, or undefined (first start, or a corrupt snapshot that was moved aside). */
  load<T = unknown>(): Promise<T | undefined>;
  /** Writes atomically (temp file, fsync, rename) with a checksum. */
  save(value: unknown): Promise<void>;
}

/** A response from a route an actor mounts on the ops server. */
export interface OpsResponse {
  status?: number;
  body: unknown;
  headers?: Record<string, string>;
}

export interface OpsRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  body: unknown;
}

/** Lets actors mount routes on the runtime's ops server (the proxy actor serves `/proxy/<id>`). */
export interface OpsRoutes {
  /** Mounts `handler` at `method path`; returns a function that removes it (called on stop). */
  route(
    method: "GET" | "POST" | "PUT" | "DELETE",
    path: string,
    handler: (request: OpsRequest) => OpsResponse | Promise<OpsResponse>,
  ): () => void;
}

/** What an actor receives when it starts. */
export interface ActorContext<O = Record<string, unknown>> {
  /** The child id from the config. */
  id: string;
  /** Path from the root, e.g. `root/group-a/ticker`. */
  path: string;
  /** Name of the hosting runtime (`runtime.name` in the config). */
  runtimeName?: string;
  /** Options, validated against the kind's schema (defaults applied). */
  options: O;
  bus: Bus;
  log: Logger;
  state: ActorStateStore;
  metrics: Metrics;
  /** Aborted when the actor is asked to stop; pass it to fetch, timers, streams. */
  signal: AbortSignal;
  ops: OpsRoutes;
  /** Time and timers: the system clock in the runtime, a simulated one in tests (`plexus/testing`). */
  clock: Clock;
  /** Fails the actor with `error`; its supervisor decides what happens next. */
  fail(error: unknown): void;
}

/** Releases what `start` acquired. May be async; it gets `shutdownMs` before it is abandoned. */
export type StopFunction = () => void | Promise<void>;

interface ActorDefinitionBase {
  /** Name used in the config's `kind:`. */
  kind: string;
  /** One line shown by `plexus validate` and in errors listing known kinds. */
  description?: string;
  /** JSON Schema of `options`; validated before anything starts. */
  options?: OptionsSchema;
}

/** An actor kind whose body acquires resources and returns how to release them. */
export interface StartActorDefinition<O> extends ActorDefinitionBase {
  start(context: ActorContext<O>): StopFunction | void | Promise<StopFunction | void>;
  machine?: never;
}

/**
 * An actor kind that is a whole xstate v5 machine. The machine runs as an invoked child of the
 * hosted lifecycle: reaching a final state is a normal exit, an error in it is a failure.
 */
export interface MachineActorDefinition<O> extends ActorDefinitionBase {
  machine(context: ActorContext<O>): AnyStateMachine;
  start?: never;
}

export type ActorDefinition<O = Record<string, unknown>> = StartActorDefinition<O> | MachineActorDefinition<O>;

// Definitions are stored without their option type: the registry of kinds is heterogeneous.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyActorDefinition = ActorDefinition<any>;

/** Declares an actor kind. Returns the definition unchanged, typed; it is checked when registered. */
export function defineActor<O = Record<string, unknown>>(definition: ActorDefinition<O>): ActorDefinition<O> {
  if (typeof definition.kind !== "string" || !/^[a-z][a-z0-9-]*$/.test(definition.kind)) {
    throw new TypeError(`defineActor: kind must be lower-case letters, digits and dashes, got ${JSON.stringify(definition.kind)}`);
  }
  const hasStart = typeof (definition as { start?: unknown }).start === "function";
  const hasMachine = typeof (definition as { machine?: unknown }).machine === "function";
  if (hasStart === hasMachine) {
    throw new TypeError(`defineActor(${definition.kind}): give exactly one of start(ctx) or machine(ctx)`);
  }
  return definition;
}
