import type { FromSchema, JSONSchema } from "json-schema-to-ts";
import type { AnyStateMachine, EventObject } from "xstate";
import type { Envelope } from "../transports/envelope.js";
import { validatePattern } from "../transports/topics.js";
import type { ActorContext } from "./actor-context.js";

/**
 * JSON Schema of an actor kind's options. Written inline in `defineActor` (or kept in a constant
 * declared `as const`), it also types `ctx.options`: see {@link OptionsFromSchema}.
 */
export type OptionsSchema = Exclude<JSONSchema, boolean>;

/**
 * The type of `ctx.options` for an options schema. Properties with a `default` are never
 * undefined (the runtime applies defaults before `start`); properties in `required` are never
 * undefined; others are optional. Needs `strictNullChecks` (or `strict`) in your tsconfig; without
 * it options are `Record<string, unknown>`. Without a schema, or with one whose literal type TypeScript no
 * longer sees (typed as `OptionsSchema`), it is `Record<string, unknown>`.
 *
 * Computed by `json-schema-to-ts` at compile time only; nothing of it is loaded at run time.
 */
export type OptionsFromSchema<S> = [S] extends [undefined]
  ? Record<string, unknown>
  : StrictNullChecks extends false
    ? Record<string, unknown>
    : S extends OptionsSchema
      ? KnownOrRecord<FromSchema<S>>
      : Record<string, unknown>;

/**
 * Whether the compiling project has `strictNullChecks` (part of `strict`): without it `null` is
 * assignable to everything, and json-schema-to-ts's types do not terminate (TS2589), so options
 * are then typed `Record<string, unknown>` instead of failing the user's build.
 */
type StrictNullChecks = null extends string ? false : true;

type KnownOrRecord<T> = unknown extends T ? Record<string, unknown> : T;

/** The options type of a definition, e.g. `type HeartbeatOptions = ActorOptions<typeof heartbeatActor>`. */
export type ActorOptions<D> = D extends { start(context: ActorContext<infer O>): unknown }
  ? O
  : D extends { machine(context: ActorContext<infer O>): unknown }
    ? O
    : never;

/** Releases what `start` acquired. May be async; it gets `shutdownMs` before it is abandoned. */
export type StopFunction = () => void | Promise<void>;

interface ActorDefinitionBase<S extends OptionsSchema | undefined> {
  /** Name used in the config's `kind:` (lower-case letters, digits and dashes). */
  kind: string;
  /** One line shown by `plexus validate` and in errors listing known kinds. */
  description?: string;
  /** JSON Schema of `options`; validated (defaults applied) before anything starts. */
  options?: S;
}

/**
 * An actor kind whose body acquires resources and returns how to release them. `O` is the type
 * of `ctx.options`; `S` the literal type of its schema.
 */
export interface StartActorDefinition<
  O = Record<string, unknown>,
  S extends OptionsSchema | undefined = OptionsSchema | undefined,
> extends ActorDefinitionBase<S> {
  start(context: ActorContext<O>): StopFunction | void | Promise<StopFunction | void>;
  machine?: never;
  input?: never;
  persist?: never;
  events?: never;
}

/** What a machine kind's machine gets as `input` unless the kind supplies `input(ctx)`. */
export interface MachineKindInput<O = Record<string, unknown>> {
  /** The child id from the config. */
  id: string;
  /** The actor's validated options (defaults applied). */
  options: O;
}

/** How a machine kind's snapshot is persisted (`persist: true` takes every default). */
export interface MachinePersistence {
  /**
   * While the machine runs, its snapshot is saved on transitions at most once per `everyMs`
   * (0: after every transition). Whatever happens, the last snapshot is saved when the actor stops
   * or fails, so this only bounds what a crash of the whole process can lose.
   * @defaultValue 1000
   */
  everyMs?: number;
}

/** The default of {@link MachinePersistence.everyMs}. */
export const DEFAULT_PERSIST_EVERY_MS = 1_000;

/**
 * Turns one bus message into an event for a machine, or `undefined` to ignore the message.
 * Annotate the return type with the machine's event type to have it checked at compile time.
 */
export type BusEventMapper = (envelope: Envelope) => EventObject | undefined;

/**
 * Bus subscriptions that feed a machine: topic pattern (`orders.*`, `telemetry.>`) → mapper.
 * A mapped event the machine cannot take in its current state is counted and logged, not sent.
 */
export type BusEventMappers = Readonly<Record<string, BusEventMapper>>;

/**
 * An actor kind that is a whole xstate v5 machine. The machine runs as an invoked child of the
 * hosted lifecycle: reaching a final state is a normal exit, an error in it is a failure.
 */
export interface MachineActorDefinition<
  O = Record<string, unknown>,
  S extends OptionsSchema | undefined = OptionsSchema | undefined,
> extends ActorDefinitionBase<S> {
  /** Builds the machine; called at every start, so each incarnation has its own. */
  machine(context: ActorContext<O>): AnyStateMachine;
  /**
   * The machine's `input` (what `setup({ types: { input } })` declares). Default:
   * {@link MachineKindInput} `{ id, options }`. Not used when a persisted snapshot is restored:
   * the snapshot carries the machine's context.
   */
  input?(context: ActorContext<O>): unknown;
  /**
   * Opt-in persistence: at start the machine resumes from the snapshot saved in `ctx.state`
   * (a snapshot that no longer fits the machine is reported and the machine starts fresh); the
   * snapshot is saved on transitions (throttled) and when the actor stops or fails. A machine
   * that reached its final state starts fresh next time.
   * @defaultValue false
   */
  persist?: boolean | MachinePersistence;
  /**
   * Bus messages delivered to the machine as events. Subscribed through `ctx.bus` before the
   * actor reports `running`; a restarted machine takes the subscriptions over with what arrived
   * meanwhile (the event it failed on included, see `bus.mailbox.crashRetries`). See {@link BusEventMappers}; a start-form kind
   * gets the same with `forwardBusEvents`. Give a function of the context when the patterns or
   * mappers depend on the actor's options (`seeds.${ctx.options.seedId}.command`).
   */
  events?: BusEventMappers | ((context: ActorContext<O>) => BusEventMappers);
  start?: never;
}

/** An actor kind: the start form or the machine form. */
export type ActorDefinition<O = Record<string, unknown>> = StartActorDefinition<O> | MachineActorDefinition<O>;

// Definitions are stored without their option type: the registry of kinds is heterogeneous.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyActorDefinition = ActorDefinition<any>;

/**
 * Declares an actor kind. `ctx.options` is typed from the `options` schema (write it inline or
 * `as const`); the definition is returned unchanged, as the specific form given. Throws a
 * TypeError naming the problem when the definition is malformed; options themselves are checked
 * against the schema when a config or a dynamic child uses the kind.
 *
 * @example
 * ```ts
 * const ticker = defineActor({
 *   kind: "ticker",
 *   options: { type: "object", properties: { everyMs: { type: "integer", default: 1000 } } },
 *   start(ctx) {
 *     const timer = setInterval(() => void ctx.bus.publish("ticks", {}), ctx.options.everyMs); // number
 *     return () => clearInterval(timer);
 *   },
 * });
 * ```
 */
export function defineActor<const S extends OptionsSchema | undefined = undefined>(
  definition: StartActorDefinition<OptionsFromSchema<S>, S>,
): StartActorDefinition<OptionsFromSchema<S>, S>;
export function defineActor<const S extends OptionsSchema | undefined = undefined>(
  definition: MachineActorDefinition<OptionsFromSchema<S>, S>,
): MachineActorDefinition<OptionsFromSchema<S>, S>;
export function defineActor(definition: AnyActorDefinition): AnyActorDefinition {
  const problem = definitionProblem(definition as unknown as Record<string, unknown>);
  if (problem !== undefined) throw new TypeError(`defineActor(${JSON.stringify(definition.kind)}): ${problem}`);
  return definition;
}

const MACHINE_ONLY = ["input", "persist", "events"] as const;

/** What is wrong with a definition written without (or around) the types, or undefined. */
function definitionProblem(definition: Record<string, unknown>): string | undefined {
  if (typeof definition.kind !== "string" || !/^[a-z][a-z0-9-]*$/.test(definition.kind)) {
    return `kind must be lower-case letters, digits and dashes, got ${JSON.stringify(definition.kind)}`;
  }
  const hasStart = typeof definition.start === "function";
  if (hasStart === (typeof definition.machine === "function")) return "give exactly one of start(ctx) or machine(ctx)";
  if (hasStart) {
    const misplaced = MACHINE_ONLY.filter((key) => definition[key] !== undefined);
    return misplaced.length > 0 ? `${misplaced.join(", ")} belong to machine(ctx) kinds; a start(ctx) kind cannot use them` : undefined;
  }
  if (definition.input !== undefined && typeof definition.input !== "function") return "input must be a function (ctx) => input";
  const persist = definition.persist;
  if (persist !== undefined && typeof persist !== "boolean") {
    const everyMs = (persist as { everyMs?: unknown } | null)?.everyMs;
    if (typeof persist !== "object" || persist === null || (everyMs !== undefined && !(typeof everyMs === "number" && everyMs >= 0)))
      return `persist must be true, false or { everyMs: a number ≥ 0 }, got ${JSON.stringify(persist)}`;
  }
  return eventsProblem(definition.events);
}

function eventsProblem(events: unknown): string | undefined {
  // A function of the context is checked when it is called, through the subscriptions it asks for.
  if (events === undefined || typeof events === "function") return undefined;
  if (typeof events !== "object" || events === null) return "events must be an object { pattern: (envelope) => event | undefined }";
  for (const [pattern, mapper] of Object.entries(events)) {
    if (typeof mapper !== "function") return `events[${JSON.stringify(pattern)}] must be a function (envelope) => event | undefined`;
    try {
      validatePattern(pattern);
    } catch (error) {
      return `events: ${(error as Error).message}`;
    }
  }
  return undefined;
}
