/**
 * `plexus/testing`: helpers to test your own actor kinds the way plexus tests its own lifecycle
 * machines — a test context, a recording bus, a probe actor kind, and fast-check model-based
 * commands (`checkActorLifecycle`). Needs `fast-check` (an optional peer dependency).
 * @packageDocumentation
 */
export { checkActorLifecycle, actorLifecycleCommands, lifecycleSetup, createLifecycleSystem } from "./lifecycle-commands.js";
export type { LifecycleModel, Incarnation, LifecycleSystem, LifecycleCheckOptions } from "./lifecycle-commands.js";
export { ActorProbe } from "./probe-actor.js";
export type { ProbeEvent, ProbeBehaviour } from "./probe-actor.js";
export { createProbeTree, workerSpec, supervisorSpec } from "./probe-tree.js";
export type { ProbeTree } from "./probe-tree.js";
export { createTestContext, createRecordingBus, createMemoryStateStore, createTestOpsRoutes } from "./test-context.js";
export type { RecordingBus } from "./test-context.js";
