import { systemClock } from "../common/clock.js";
import { silentLogger } from "../common/logger.js";
import { Metrics } from "../common/metrics.js";
import type { ActorContext } from "../runtime/actor-context.js";
import { ScopedBus } from "../runtime/scoped-bus.js";
import { createMemoryStateStore } from "./memory-state-store.js";
import { createTestBus, type TestBus } from "./test-bus.js";
import { quietBusStats } from "./quiet-bus-stats.js";
import type { Bus, Handler, PublishOptions, RequestOptions, SubscribeOptions } from "../transports/bus/bus.js";
import { createTestOpsRoutes } from "./test-ops-routes.js";

// One registry for all test contexts: Metrics is get-or-create by name, and a registry per actor
// would make 10,000-actor tests slow for nothing.
let sharedMetrics: Metrics | undefined;

/** What `createTestContext` needs: the incarnation's `signal` and `fail`; anything else overrides a default. */
export type TestContextInput<O> = {
  /** The child id. @defaultValue "actor-under-test" */
  id?: string;
  /** @defaultValue `root/<id>` */
  path?: string;
  /** The kind's options, as the runtime would pass them after validation. @defaultValue {} */
  options?: O;
  signal: AbortSignal;
  fail: (error: unknown) => void;
} & Partial<Omit<ActorContext<O>, "signal" | "fail" | "id" | "path" | "options">>;

/**
 * Builds an ActorContext for tests of actor kinds, the way the runtime builds one: the bus is
 * scoped to the actor (publishes carry its id as source; its subscriptions close when `signal`
 * aborts). Defaults: a fresh real in-memory bus (`createTestBus`, opened on first use; pass your
 * own to assert on what was published or to share it), the system clock (pass a `SimulatedClock` to drive
 * timers), a silent logger, an in-memory state store, recording ops routes, a shared Metrics
 * registry.
 */
export function createTestContext<O = Record<string, unknown>>(input: TestContextInput<O>): ActorContext<O> {
  const id = input.id ?? "actor-under-test";
  const bus = new ScopedBus(input.bus ?? lazyTestBus(id), id);
  // As in the runtime: subscriptions opened by an actor die with it.
  input.signal.addEventListener("abort", () => void bus.closeAll(), { once: true });
  return {
    id,
    path: input.path ?? `root/${id}`,
    ...(input.runtimeName === undefined ? {} : { runtimeName: input.runtimeName }),
    options: input.options ?? ({} as O),
    bus,
    log: input.log ?? silentLogger(),
    state: input.state ?? createMemoryStateStore(),
    ...(input.storage === undefined ? {} : { storage: input.storage }),
    metrics: input.metrics ?? (sharedMetrics ??= new Metrics()),
    signal: input.signal,
    ops: input.ops ?? createTestOpsRoutes(),
    clock: input.clock ?? systemClock,
    fail: input.fail,
  };
}

/**
 * A test bus opened only when the actor first uses it: contexts of actors that never touch the
 * bus (supervision tests and benchmarks build thousands) cost no bus at all.
 */
function lazyTestBus(source: string): Bus {
  let bus: TestBus | undefined;
  const open = (): TestBus => (bus ??= createTestBus({ source }));
  return {
    publish: <P>(topic: string, payload: P, options?: PublishOptions) => open().publish(topic, payload, options),
    subscribe: <P>(pattern: string, handler: Handler<P>, options?: SubscribeOptions) => open().subscribe(pattern, handler, options),
    request: <R, P>(topic: string, payload: P, options?: RequestOptions) => open().request<R, P>(topic, payload, options),
    stats: () => bus?.stats() ?? quietBusStats(0),
  };
}
