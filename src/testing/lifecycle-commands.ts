import fc from "fast-check";
import type { ActorContext } from "../runtime/actor-context.js";
import type { AnyActorDefinition } from "../runtime/define-actor.js";
import { HostedActor } from "../runtime/hosting/hosted-actor.js";
import type { LifecycleState } from "../runtime/lifecycle-types.js";
import { silentLogger } from "../common/logger.js";
import { createTestContext } from "./test-context.js";

/**
 * Model-based testing of your own actor kinds with fast-check: the kind runs inside the real
 * hosted lifecycle (the one the supervisor uses) and random sequences of start / stop / fail
 * check the contract every kind must keep:
 *
 * - a started actor reaches `running` (or fails to start, which the model accepts);
 * - a stop ends in `stopped` within `shutdownMs` (a stop function that throws or hangs fails);
 * - `ctx.fail` while running ends in `failed` with that error;
 * - each incarnation's `ctx.signal` is aborted once it ended, and never two incarnations run.
 *
 * ```ts
 * await checkActorLifecycle(myKind, { options: { everyMs: 5 } });
 * ```
 */

/** What the model knows: whether an incarnation runs, and how many started. */
export interface LifecycleModel {
  running: boolean;
  starts: number;
}

/** One incarnation under test. */
export interface Incarnation {
  actor: HostedActor;
  context?: ActorContext;
  states: LifecycleState[];
}

/** The real system the commands drive. */
export interface LifecycleSystem {
  incarnations: Incarnation[];
  /** The latest incarnation, if any. */
  current(): Incarnation | undefined;
  /** Starts a new incarnation; resolves true when running, false when it failed to start. */
  start(): Promise<boolean>;
}

export interface LifecycleCheckOptions<O> {
  /** Options given to the kind (validated by you; the runtime would apply the schema). */
  options?: O;
  /** Per-incarnation stop budget. Default 1000 ms. */
  shutdownMs?: number;
  /** Builds the context; default `createTestContext`. */
  makeContext?: (input: { signal: AbortSignal; fail: (error: unknown) => void; options: O | undefined }) => ActorContext;
  /** Your own invariant, checked after every command. */
  invariant?: (system: LifecycleSystem) => void | Promise<void>;
}

/** Creates the system for one fast-check run. */
export function createLifecycleSystem<O>(definition: AnyActorDefinition, settings: LifecycleCheckOptions<O> = {}): LifecycleSystem {
  const incarnations: Incarnation[] = [];
  const system: LifecycleSystem = {
    incarnations,
    current: () => incarnations[incarnations.length - 1],
    async start() {
      const incarnation: Incarnation = { states: [] } as unknown as Incarnation;
      incarnation.actor = new HostedActor({
        definition,
        path: `root/${definition.kind}`,
        shutdownMs: settings.shutdownMs ?? 1_000,
        log: silentLogger(),
        makeContext: ({ signal, fail }) => {
          const context = settings.makeContext
            ? settings.makeContext({ signal, fail, options: settings.options })
            : createTestContext({
                id: definition.kind,
                signal,
                fail,
                ...(settings.options === undefined ? {} : { options: settings.options as Record<string, unknown> }),
              });
          incarnation.context = context;
          return context;
        },
        hooks: { report: (state) => incarnation.states.push(state), exited: () => undefined },
      });
      incarnations.push(incarnation);
      try {
        await incarnation.actor.start();
        return true;
      } catch {
        return false;
      }
    },
  };
  return system;
}

function describeStates(incarnation: Incarnation | undefined): string {
  return incarnation
    ? `${incarnation.states.join(" → ")}${incarnation.actor.error ? ` (${incarnation.actor.error.message})` : ""}`
    : "(none)";
}

async function checkCommon(system: LifecycleSystem, invariant: LifecycleCheckOptions<unknown>["invariant"]): Promise<void> {
  const live = system.incarnations.filter((incarnation) => incarnation.actor.state !== "stopped" && incarnation.actor.state !== "failed");
  if (live.length > 1) throw new Error(`${live.length} incarnations are live at once; a restart must end the previous one first`);
  for (const incarnation of system.incarnations.slice(0, -1)) {
    if (incarnation.context && !incarnation.context.signal.aborted) throw new Error("an ended incarnation's ctx.signal was not aborted");
  }
  await invariant?.(system);
}

class StartCommand implements fc.AsyncCommand<LifecycleModel, LifecycleSystem> {
  constructor(private readonly invariant: LifecycleCheckOptions<unknown>["invariant"]) {}
  check(model: Readonly<LifecycleModel>): boolean {
    return !model.running;
  }
  async run(model: LifecycleModel, system: LifecycleSystem): Promise<void> {
    const running = await system.start();
    model.starts += 1;
    model.running = running;
    const states = system.current()?.states ?? [];
    const expected = running ? ["starting", "running"] : ["starting", "failed"];
    if (states.join() !== expected.join())
      throw new Error(`start went ${describeStates(system.current())}, expected ${expected.join(" → ")}`);
    await checkCommon(system, this.invariant);
  }
  toString(): string {
    return "start";
  }
}

class StopCommand implements fc.AsyncCommand<LifecycleModel, LifecycleSystem> {
  constructor(private readonly invariant: LifecycleCheckOptions<unknown>["invariant"]) {}
  check(model: Readonly<LifecycleModel>): boolean {
    return model.running;
  }
  async run(model: LifecycleModel, system: LifecycleSystem): Promise<void> {
    const incarnation = system.current();
    await incarnation?.actor.stop();
    model.running = false;
    if (incarnation?.actor.state !== "stopped") throw new Error(`stop must end in stopped; went ${describeStates(incarnation)}`);
    if (incarnation.context && !incarnation.context.signal.aborted) throw new Error("ctx.signal not aborted after stop");
    await checkCommon(system, this.invariant);
  }
  toString(): string {
    return "stop";
  }
}

class FailCommand implements fc.AsyncCommand<LifecycleModel, LifecycleSystem> {
  constructor(private readonly invariant: LifecycleCheckOptions<unknown>["invariant"]) {}
  check(model: Readonly<LifecycleModel>): boolean {
    return model.running;
  }
  async run(model: LifecycleModel, system: LifecycleSystem): Promise<void> {
    const incarnation = system.current();
    const error = new Error("failed by the lifecycle check");
    incarnation?.context?.fail(error);
    // The failure path releases resources first; stop() waits for the end without changing it.
    await incarnation?.actor.stop();
    model.running = false;
    if (incarnation?.actor.state !== "failed" || incarnation.actor.error !== error) {
      throw new Error(`ctx.fail must end in failed with its error; went ${describeStates(incarnation)}`);
    }
    await checkCommon(system, this.invariant);
  }
  toString(): string {
    return "fail";
  }
}

/**
 * The fast-check commands (start, stop, ctx.fail) for one actor kind. Run them with
 * `fc.asyncModelRun(lifecycleSetup(kind, settings), commands)`, or use `checkActorLifecycle`.
 */
export function actorLifecycleCommands<O>(
  _definition: AnyActorDefinition,
  settings: LifecycleCheckOptions<O> = {},
): fc.Arbitrary<Iterable<fc.AsyncCommand<LifecycleModel, LifecycleSystem>>> {
  const invariant = settings.invariant as LifecycleCheckOptions<unknown>["invariant"];
  return fc.commands(
    [fc.constant(new StartCommand(invariant)), fc.constant(new StopCommand(invariant)), fc.constant(new FailCommand(invariant))],
    { maxCommands: 30 },
  );
}

/** The `setup` for `fc.asyncModelRun`: a fresh model and system per run. */
export function lifecycleSetup<O>(
  definition: AnyActorDefinition,
  settings: LifecycleCheckOptions<O> = {},
): () => { model: LifecycleModel; real: LifecycleSystem } {
  return () => ({ model: { running: false, starts: 0 }, real: createLifecycleSystem(definition, settings) });
}

/** Runs the lifecycle contract of `definition` for `numRuns` random command sequences (default 50). */
export async function checkActorLifecycle<O>(
  definition: AnyActorDefinition,
  settings: LifecycleCheckOptions<O> & { numRuns?: number; seed?: number } = {},
): Promise<void> {
  await fc.assert(
    fc.asyncProperty(actorLifecycleCommands(definition, settings), async (commands) => {
      const system = createLifecycleSystem(definition, settings);
      try {
        await fc.asyncModelRun(() => ({ model: { running: false, starts: 0 }, real: system }), commands);
      } finally {
        await system.current()?.actor.stop();
      }
    }),
    { numRuns: settings.numRuns ?? 50, ...(settings.seed === undefined ? {} : { seed: settings.seed }) },
  );
}
