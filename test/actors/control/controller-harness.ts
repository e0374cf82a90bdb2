import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { lifecycleControllerActor, type LifecycleControllerOptions } from "../../../src/actors/control/actor.js";
import type { ActorStateStore, ActorStorage, ActorStatus } from "../../../src/runtime/actor-context.js";
import type { Bus } from "../../../src/transports/bus/bus.js";
import type { Clock } from "../../../src/common/clock.js";
import { createTestContext, createTestOpsRoutes } from "../../../src/testing/index.js";

/** A running controller incarnation in a test. */
export interface RunningController {
  stop(): Promise<void>;
  status(): ActorStatus;
  failures: unknown[];
}

/** A temporary state directory for one test. */
export function tempStateDir(): Promise<string> {
  return mkdtemp(join(tmpdir(), "plexus-control-"));
}

/** Starts one incarnation of the lifecycle controller on `bus`, keeping its state in `state` and `stateDir`. */
export async function startController(input: {
  bus: Bus;
  state: ActorStateStore;
  storage: ActorStorage;
  clock?: Clock;
  options?: Partial<LifecycleControllerOptions>;
}): Promise<RunningController> {
  const controller = new AbortController();
  const failures: unknown[] = [];
  const ops = createTestOpsRoutes();
  const options = {
    topics: {
      commands: "kasmina.control.lifecycle.transition",
      acks: "kasmina.control.lifecycle.ack",
      events: "kasmina.events.seed",
      replay: "kasmina.events.replay",
    },
    dedupeWindow: 100000,
    queueCapacity: 1000,
    emergencyQueueCapacity: 100,
    maxBatch: 256,
    snapshotEvery: 1000,
    replayPageSize: 1000,
    path: "/events",
    eventLog: { backend: "auto" },
    ...input.options,
  } as LifecycleControllerOptions;
  const ctx = createTestContext<LifecycleControllerOptions>({
    id: "control",
    options,
    bus: input.bus,
    state: input.state,
    storage: input.storage,
    ops,
    ...(input.clock === undefined ? {} : { clock: input.clock }),
    signal: controller.signal,
    fail: (error) => void failures.push(error),
  });
  const stop = await lifecycleControllerActor.start(ctx);
  return {
    failures,
    status: () => ops.currentStatus() ?? {},
    async stop() {
      await stop?.();
      controller.abort();
    },
  };
}
