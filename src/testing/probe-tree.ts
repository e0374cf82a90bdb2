import type { AnyActorDefinition } from "../runtime/define-actor.js";
import { KindOptionsValidator } from "../runtime/config/kind-options.js";
import type { SupervisorChildConfig } from "../runtime/supervision/child-config.js";
import type { ChildSpec, RestartType, SupervisorChildSpec, SupervisorSpec, WorkerChildSpec } from "../runtime/supervision/child-spec.js";
import { resolveChildConfig } from "../runtime/supervision/resolve-child.js";
import type { LifecycleEvent } from "../runtime/lifecycle-types.js";
import type { Logger } from "../common/logger.js";
import { silentLogger } from "../common/logger.js";
import { createSupervisionTree, type SupervisionTree } from "../runtime/supervision/tree.js";
import { ActorProbe } from "./probe-actor.js";
import { createTestContext } from "./test-context.js";
import { ActorSlots } from "../runtime/actor-slots.js";
import { DEFAULT_CRASH_RETRIES } from "../transports/bus/bus-config.js";
import { createTestBus } from "./test-bus.js";
import type { Bus } from "../transports/bus/bus.js";
import type { Clock } from "../common/clock.js";

/** A resolved worker spec with test-friendly defaults (permanent, shutdownMs 1000, no options); plexus's own supervisor tests build trees with it. */
export function workerSpec(id: string, kind = "probe", overrides: Partial<Omit<WorkerChildSpec, "id" | "kind">> = {}): WorkerChildSpec {
  return { id, kind, restart: "permanent", shutdownMs: 1_000, options: {}, ...overrides };
}

/** A resolved supervisor spec with test-friendly defaults: one_for_one, 5 in 30 s, no backoff. */
export function supervisorSpec(
  id: string,
  children: ChildSpec[],
  settings: Partial<SupervisorSpec> = {},
  child: { restart?: RestartType; shutdownMs?: number } = {},
): SupervisorChildSpec {
  const supervisor: SupervisorSpec = {
    strategy: "one_for_one",
    intensity: 5,
    periodMs: 30_000,
    backoff: { minMs: 0, maxMs: 0, jitter: 0 },
    stableMs: 30_000,
    ...settings,
  };
  return { id, supervisor, children, restart: child.restart ?? "permanent", shutdownMs: child.shutdownMs ?? 5_000 };
}

export interface ProbeTree {
  tree: SupervisionTree;
  probe: ActorProbe;
  /** The bus every actor's context uses. */
  bus: Bus;
  /** Every lifecycle event, in order. */
  events: LifecycleEvent[];
}

/** What `createProbeTree` builds the tree from; everything but `root` has a test default. */
export interface ProbeTreeOptions {
  /**
   * The root supervisor, written as in a config (`{ id: "root", supervisor: { strategy, period },
   * children: [...] }`, resolved with the config's defaults and checks, kind options included), or
   * an already resolved spec.
   */
  root: SupervisorChildConfig | SupervisorChildSpec;
  /** The probe whose kinds (`probe`, `probe-machine`) the tree registers. @defaultValue a new ActorProbe */
  probe?: ActorProbe;
  /** Your own kinds, registered next to the probe's (a kind of the same name replaces a probe kind). */
  kinds?: Iterable<AnyActorDefinition>;
  /**
   * The bus every actor's context uses (scoped to the actor, as in the runtime). Pass a
   * `createTestBus()` to assert on what was published and close it after the test.
   * @defaultValue a new real in-memory bus (`createTestBus`)
   */
  bus?: Bus;
  /**
   * The clock actors read through `ctx.clock`; the supervisors' restart windows read it too unless
   * `now` is given. Pass a `SimulatedClock` to drive timers and restart windows without waiting.
   * @defaultValue the system clock
   */
  clock?: Clock;
  /**
   * The supervisors' time source for restart intensity windows (backoff delays still use real
   * timers). @defaultValue `clock.now` when a clock is given, else `performance.now`
   */
  now?: () => number;
  /** The supervisors' randomness (backoff jitter). @defaultValue Math.random */
  random?: () => number;
  /** @defaultValue a silent logger */
  log?: Logger;
  /** Called with every lifecycle event, after it is recorded in `events`. */
  onLifecycle?: (event: LifecycleEvent) => void;
}

/**
 * A supervision tree whose workers are probes (`probe` start form, `probe-machine` machine form)
 * plus any `kinds` you add, with test contexts on one bus and one clock. For tests of
 * supervision configs, of your kinds under supervision, and of the supervisor itself.
 */
export function createProbeTree(options: ProbeTreeOptions): ProbeTree {
  const probe = options.probe ?? new ActorProbe();
  const kinds = new Map<string, AnyActorDefinition>([
    ["probe", probe.definition("probe")],
    ["probe-machine", probe.machineDefinition("probe-machine")],
  ]);
  for (const definition of options.kinds ?? []) kinds.set(definition.kind, definition);
  const events: LifecycleEvent[] = [];
  const bus = options.bus ?? createTestBus();
  const clock = options.clock;
  const now = options.now ?? (clock ? () => clock.now() : undefined);
  const log = options.log ?? silentLogger();
  // As in the runtime, a worker's subscriptions belong to its slot and outlive its restarts.
  const slots = new ActorSlots(bus, DEFAULT_CRASH_RETRIES, log);
  const tree = createSupervisionTree({
    root: resolvedRoot(options.root, kinds),
    kinds,
    makeContext: ({ spec, path, signal, fail }) => ({
      ...createTestContext({ id: spec.id, path, options: spec.options, signal, fail, ...(clock ? { clock } : {}) }),
      bus: slots.incarnation(path, spec.id, signal),
    }),
    onLifecycle: (event) => {
      if (event.state === "running") slots.running(event.path);
      events.push(event);
      options.onLifecycle?.(event);
    },
    onChildRemoved: (path) => slots.remove(path),
    log,
    ...(now ? { now } : {}),
    ...(options.random ? { random: options.random } : {}),
  });
  const stop = async (): Promise<void> => {
    await tree.stop();
    await slots.closeAll();
  };
  return { tree: { ...tree, stop, start: () => tree.start(), tree: () => tree.tree() }, probe, bus, events };
}

/** A config-shaped root goes through the same resolution as a runtime's config; a resolved spec is used as it is. */
function resolvedRoot(
  root: SupervisorChildConfig | SupervisorChildSpec,
  kinds: ReadonlyMap<string, AnyActorDefinition>,
): SupervisorChildSpec {
  if ("shutdownMs" in root && typeof root.shutdownMs === "number" && "periodMs" in root.supervisor) return root as SupervisorChildSpec;
  return resolveChildConfig(root as SupervisorChildConfig, {
    validator: new KindOptionsValidator(kinds),
    caller: "createProbeTree",
  }) as SupervisorChildSpec;
}
