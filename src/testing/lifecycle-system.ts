import { silentLogger } from "../common/logger.js";
import type { ActorContext } from "../runtime/actor-context.js";
import type { AnyActorDefinition } from "../runtime/define-actor.js";
import { HostedActor } from "../runtime/hosting/hosted-actor.js";
import type { LifecycleState } from "../runtime/lifecycle-types.js";
import { SimulatedClock } from "./simulated-clock.js";
import { createTestBus, type TestBus } from "./test-bus.js";
import { createTestContext } from "./test-context.js";
import { TrackedClock } from "./tracked-clock.js";

/** What the model of a lifecycle check knows about the real system. */
export interface LifecycleModel {
  /** Whether the latest incarnation should be running now. */
  running: boolean;
  /** Incarnations started so far. */
  starts: number;
}

/** One incarnation of the kind under test: one HostedActor, as a supervisor makes for each (re)start. */
export interface Incarnation {
  readonly actor: HostedActor;
  /** Its context, once the lifecycle built it (a start builds it first thing). */
  context: ActorContext | undefined;
  /** Its view of the system's clock: `pending` counts the timers it has not cleared. */
  readonly clock: TrackedClock;
  /** Every lifecycle state it reported, in order. */
  readonly states: LifecycleState[];
}

/** What builds a context for an incarnation, when the default (`createTestContext`) does not fit. */
export type LifecycleContextFactory<O> = (input: {
  id: string;
  path: string;
  options: O | undefined;
  signal: AbortSignal;
  fail: (error: unknown) => void;
  bus: TestBus;
  clock: TrackedClock;
}) => ActorContext;

/** How the system under a lifecycle check runs the kind. */
export interface LifecycleSystemOptions<O> {
  /** Options given to the kind (validated by you; the runtime would apply the schema). */
  options?: O;
  /** Per-incarnation stop budget, as a child spec's `shutdown`. @defaultValue 1000 */
  shutdownMs?: number;
  /** Builds each incarnation's context; the default is `createTestContext` with the system's bus and clock. */
  makeContext?: LifecycleContextFactory<O>;
  /**
   * The kind is expected to refuse to start here (its options are invalid on purpose, a resource
   * is missing): every start must fail, and the check no longer requires one to reach `running`.
   * @defaultValue false
   */
  expectStartFailure?: boolean;
}

/** The real system lifecycle commands drive: the kind's incarnations, one bus and one clock. */
export interface LifecycleSystem {
  readonly definition: AnyActorDefinition;
  /** The real in-memory bus every incarnation's context uses; `bus.published` records publishes. */
  readonly bus: TestBus;
  /** The clock every incarnation's `ctx.clock` reads; commands move it forward. */
  readonly clock: SimulatedClock;
  readonly incarnations: readonly Incarnation[];
  /** The commands run so far in this run, as their `toString()`s: the sequence a failure shows. */
  readonly history: string[];
  readonly expectStartFailure: boolean;
  /** The latest incarnation, if any. */
  current(): Incarnation | undefined;
  /** Starts a new incarnation; resolves true once it runs, false when it failed to start. */
  start(): Promise<boolean>;
  /** Stops the current incarnation (within its stop budget) and closes the bus. */
  close(): Promise<void>;
}

/** Creates the system for one run of a lifecycle check: a fresh bus and clock, no incarnation yet. */
export function createLifecycleSystem<O>(definition: AnyActorDefinition, settings: LifecycleSystemOptions<O> = {}): LifecycleSystem {
  return new HostedLifecycleSystem(definition, settings as LifecycleSystemOptions<unknown>);
}

class HostedLifecycleSystem implements LifecycleSystem {
  readonly bus: TestBus;
  readonly clock = new SimulatedClock();
  readonly incarnations: Incarnation[] = [];
  readonly history: string[] = [];
  readonly expectStartFailure: boolean;

  constructor(
    readonly definition: AnyActorDefinition,
    private readonly settings: LifecycleSystemOptions<unknown>,
  ) {
    this.bus = createTestBus({ source: definition.kind });
    this.expectStartFailure = settings.expectStartFailure ?? false;
  }

  current(): Incarnation | undefined {
    return this.incarnations[this.incarnations.length - 1];
  }

  async start(): Promise<boolean> {
    const id = this.definition.kind;
    const path = `root/${id}`;
    const clock = new TrackedClock(this.clock);
    const states: LifecycleState[] = [];
    const incarnation: { -readonly [K in keyof Incarnation]: Incarnation[K] } = {
      actor: undefined as unknown as HostedActor,
      context: undefined,
      clock,
      states,
    };
    incarnation.actor = new HostedActor({
      definition: this.definition,
      path,
      shutdownMs: this.settings.shutdownMs ?? 1_000,
      log: silentLogger(),
      makeContext: ({ signal, fail }) => {
        const input = { id, path, options: this.settings.options, signal, fail, bus: this.bus, clock };
        incarnation.context = this.settings.makeContext
          ? this.settings.makeContext(input)
          : createTestContext({ ...input, options: (input.options ?? {}) as Record<string, unknown> });
        return incarnation.context;
      },
      hooks: { report: (state) => states.push(state), exited: () => undefined },
    });
    this.incarnations.push(incarnation);
    return incarnation.actor.start().then(
      () => true,
      () => false,
    );
  }

  async close(): Promise<void> {
    await this.current()?.actor.stop();
    await this.bus.close();
  }
}
