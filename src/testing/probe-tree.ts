import type { AnyActorDefinition } from "../runtime/define-actor.js";
import type { ChildSpec, RestartType, SupervisorChildSpec, SupervisorSpec, WorkerChildSpec } from "../runtime/supervision/child-spec.js";
import type { LifecycleEvent } from "../runtime/lifecycle-types.js";
import type { Logger } from "../common/logger.js";
import { silentLogger } from "../common/logger.js";
import { createSupervisionTree, type SupervisionTree } from "../runtime/supervision/tree.js";
import { ActorProbe } from "./probe-actor.js";
import { createTestContext } from "./test-context.js";

/** A worker child spec with test-friendly defaults (permanent, shutdownMs 1000, no options). */
export function workerSpec(id: string, kind = "probe", overrides: Partial<Omit<WorkerChildSpec, "id" | "kind">> = {}): WorkerChildSpec {
  return { id, kind, restart: "permanent", shutdownMs: 1_000, options: {}, ...overrides };
}

/** A supervisor child spec with test-friendly defaults: one_for_one, 5 in 30 s, no backoff. */
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
  /** Every lifecycle event, in order. */
  events: LifecycleEvent[];
}

/**
 * A supervision tree whose workers are probes (`probe` start form, `probe-machine` machine form)
 * plus any `kinds` you add, with test contexts. For tests of supervision configs and of the
 * supervisor itself.
 */
export function createProbeTree(options: {
  root: SupervisorChildSpec;
  probe?: ActorProbe;
  kinds?: Iterable<AnyActorDefinition>;
  now?: () => number;
  random?: () => number;
  log?: Logger;
  onLifecycle?: (event: LifecycleEvent) => void;
}): ProbeTree {
  const probe = options.probe ?? new ActorProbe();
  const kinds = new Map<string, AnyActorDefinition>([
    ["probe", probe.definition("probe")],
    ["probe-machine", probe.machineDefinition("probe-machine")],
  ]);
  for (const definition of options.kinds ?? []) kinds.set(definition.kind, definition);
  const events: LifecycleEvent[] = [];
  const tree = createSupervisionTree({
    root: options.root,
    kinds,
    makeContext: ({ spec, path, signal, fail }) => createTestContext({ id: spec.id, path, options: spec.options, signal, fail }),
    onLifecycle: (event) => {
      events.push(event);
      options.onLifecycle?.(event);
    },
    log: options.log ?? silentLogger(),
    ...(options.now ? { now: options.now } : {}),
    ...(options.random ? { random: options.random } : {}),
  });
  return { tree, probe, events };
}
