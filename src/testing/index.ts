/**
 * `plexus/testing`: test your own actor kinds and state machines the way plexus tests its own.
 *
 * - `checkActorLifecycle(kind)`: model-based (fast-check) start / stop / fail / clock sequences
 *   against the real hosted lifecycle, on a real in-memory bus and a simulated clock. Its commands
 *   and model types are exported so you can mix in your own.
 * - `checkMachine(machine)`: model-based testing of an xstate v5 machine: event sequences drawn
 *   from the machine's own transitions, your invariants after every step, state and transition
 *   coverage.
 * - Building blocks: `createTestContext`, `createTestBus`, `SimulatedClock`, `waitFor`, the
 *   `ActorProbe` kind and `createProbeTree` for supervision tests.
 *
 * Needs `fast-check` (an optional peer dependency of plexus).
 * @packageDocumentation
 */
export { checkActorLifecycle } from "./check-actor-lifecycle.js";
export type { LifecycleCheckOptions, LifecycleCheckReport } from "./check-actor-lifecycle.js";
export { StartCommand, StopCommand, FailCommand, AdvanceClockCommand, lifecycleCommands } from "./lifecycle-commands.js";
export type { LifecycleCommand } from "./lifecycle-commands.js";
export { createLifecycleSystem } from "./lifecycle-system.js";
export type { LifecycleModel, LifecycleSystem, LifecycleSystemOptions, LifecycleContextFactory, Incarnation } from "./lifecycle-system.js";
export { verifyLifecycle } from "./verify-lifecycle.js";
export { TrackedClock } from "./tracked-clock.js";
export { CheckFailure } from "./check-failure.js";
export { SimulatedClock } from "./simulated-clock.js";
export type { Clock, TimerHandle } from "../common/clock.js";
export { waitFor } from "./wait-for.js";
export type { WaitForOptions } from "./wait-for.js";
export { createTestBus } from "./test-bus.js";
export type { TestBus, TestBusOptions } from "./test-bus.js";
export { createTestContext } from "./test-context.js";
export type { TestContextInput } from "./test-context.js";
export { createMemoryStateStore } from "./memory-state-store.js";
export { createTestOpsRoutes } from "./test-ops-routes.js";
export type { TestOpsRoutes } from "./test-ops-routes.js";
export { ActorProbe } from "./probe-actor.js";
export type { ProbeEvent, ProbeBehaviour } from "./probe-actor.js";
export { createProbeTree } from "./probe-tree.js";
export type { ProbeTree, ProbeTreeOptions } from "./probe-tree.js";
export { checkMachine } from "./check-machine.js";
export type { CheckMachineOptions } from "./check-machine.js";
export type { MachineRunSettings } from "./execute-machine-run.js";
export type { MachineInvariant, MachineStep } from "./machine-step.js";
export type { MachineCoverage, CoverageCount } from "./machine-coverage.js";
export type { StepWeights } from "./choose-event.js";
