import { describe, expect, it } from "vitest";
import { defineExplorationMonitor, EXPLORATION_TOPICS } from "../../../../src/actors/monitors/exploration/actor.js";
import type { ExplorationOptions } from "../../../../src/actors/monitors/exploration/exploration-options.js";
import type { HostSample } from "../../../../src/actors/monitors/exploration/host-sample.js";
import type { ActorStateStore } from "../../../../src/runtime/actor-context.js";
import {
  createMemoryStateStore,
  createTestBus,
  createTestContext,
  createTestOpsRoutes,
  SimulatedClock,
  type TestBus,
} from "../../../../src/testing/index.js";
import { waitFor } from "../../../helpers/wait.js";
import { RecordingLogger } from "../../../runtime/recording-logger.js";
import { fakeGpu, fakeSample } from "./fake-host.js";

const EVERY = 300_000;
const options: ExplorationOptions = {
  every: "300s",
  window: 2,
  cpuBusy: 0.9,
  gpuIdlePercent: 10,
  overloadPerCore: 1.5,
  memoryAvailableBelow: 0.1,
  gpuTimeout: "5s",
  workloads: [],
};

/** A running exploration monitor on a fake host whose next samples the test sets. */
async function startMonitor(bus: TestBus, state: ActorStateStore, host: { next: HostSample }) {
  const clock = new SimulatedClock();
  const ops = createTestOpsRoutes();
  const controller = new AbortController();
  const failures: unknown[] = [];
  const ctx = createTestContext<ExplorationOptions>({
    id: "explorer",
    options,
    bus,
    state,
    clock,
    ops,
    signal: controller.signal,
    fail: (error) => failures.push(error),
  });
  const stop = (await defineExplorationMonitor(async (now) => ({ ...host.next, at: now })).start(ctx)) as () => Promise<void>;
  const ticks = () => (ops.currentStatus()?.ticks as number | undefined) ?? 0;
  /** Moves the clock one period and waits until that tick has been decided. */
  const tick = async () => {
    const before = ticks();
    clock.advance(EVERY);
    await waitFor(
      () => ticks() === before + 1,
      () => `tick ${before + 1} (status ${JSON.stringify(ops.currentStatus())})`,
    );
  };
  await waitFor(() => ticks() === 1, "the first tick, at start");
  return {
    ops,
    tick,
    failures,
    stop: async () => {
      controller.abort();
      await stop();
    },
  };
}

const topics = (bus: TestBus) => bus.published.map((envelope) => envelope.topic);

describe("exploration-monitor", () => {
  it("raises an opportunity once, resolves it when the condition clears, and does not announce again after a restart", async () => {
    const bus = createTestBus({ source: "explorer-test" });
    const state = createMemoryStateStore();
    const busy = fakeSample({ load: [8, 8, 8], gpus: [fakeGpu(1)] });
    const host = { next: busy };
    const first = await startMonitor(bus, state, host);
    expect(topics(bus)).toEqual([]); // one sample; the window is two
    await first.tick();
    await first.tick();
    await first.tick();
    expect(topics(bus)).toEqual([EXPLORATION_TOPICS.question]);
    expect(bus.published[0]!.payload).toMatchObject({
      kind: "gpu-idle-cpu-busy",
      severity: "medium",
      subject: "gpu 0 (Fake GPU)",
      monitor: "explorer",
      evidence: [],
    });
    expect(first.ops.currentStatus()).toMatchObject({ ticks: 4, openFindings: 1, raised: 1, gpus: 1, cpu: { cores: 8 } });
    await first.stop();
    expect(first.ops.currentStatus()).toBeUndefined();

    // Restarted on the same state with the condition still there: nothing new is announced.
    const second = await startMonitor(bus, state, host);
    await second.tick();
    await second.tick();
    expect(topics(bus)).toEqual([EXPLORATION_TOPICS.question]);
    expect(second.ops.currentStatus()).toMatchObject({ openFindings: 1, raised: 0 });

    // The GPU gets busy: one more sample still shows the old condition in the window, then it clears.
    host.next = fakeSample({ load: [8, 8, 8], gpus: [fakeGpu(95)] });
    await second.tick();
    expect(topics(bus)).toEqual([EXPLORATION_TOPICS.question]);
    await second.tick();
    expect(topics(bus)).toEqual([EXPLORATION_TOPICS.question, EXPLORATION_TOPICS.resolved]);
    const question = bus.published[0]!.payload as { id: string };
    expect(bus.published[1]!.payload).toEqual({
      id: question.id,
      kind: "gpu-idle-cpu-busy",
      subject: "gpu 0 (Fake GPU)",
      monitor: "explorer",
    });
    await second.tick();
    expect(topics(bus)).toHaveLength(2);
    expect(second.failures).toEqual([]);
    await second.stop();
    await bus.close();
  });

  it("keeps ticking when a sample fails, and counts it", async () => {
    const bus = createTestBus({ source: "explorer-test" });
    const clock = new SimulatedClock();
    const ops = createTestOpsRoutes();
    const controller = new AbortController();
    let calls = 0;
    const ctx = createTestContext<ExplorationOptions>({
      options,
      bus,
      clock,
      ops,
      signal: controller.signal,
      fail: () => undefined,
    });
    const stop = (await defineExplorationMonitor(async (now) => {
      calls++;
      if (calls === 1) throw new Error("proc unreadable");
      return fakeSample({ at: now });
    }).start(ctx)) as () => Promise<void>;
    await waitFor(() => ops.currentStatus()?.sampleErrors === 1, "the failed sample");
    expect(ops.currentStatus()).toMatchObject({ ticks: 0, lastError: "proc unreadable" });
    clock.advance(EVERY);
    await waitFor(() => ops.currentStatus()?.ticks === 1, "the next tick");
    controller.abort();
    await stop();
    await bus.close();
  });

  it("reports a failing GPU query once until it changes or clears", async () => {
    const bus = createTestBus({ source: "explorer-test" });
    const clock = new SimulatedClock();
    const ops = createTestOpsRoutes();
    const log = new RecordingLogger();
    const controller = new AbortController();
    const host = { problem: "nvidia-smi did not answer within 5000 ms" as string | undefined };
    const ctx = createTestContext<ExplorationOptions>({ options, bus, clock, ops, log, signal: controller.signal, fail: () => undefined });
    const stop = (await defineExplorationMonitor(async (now) => ({
      ...fakeSample({ at: now }),
      ...(host.problem === undefined ? {} : { gpuProblem: host.problem }),
    })).start(ctx)) as () => Promise<void>;
    const tick = async (n: number) => {
      clock.advance(EVERY);
      await waitFor(() => ops.currentStatus()?.ticks === n, `tick ${n}`);
    };
    await waitFor(() => ops.currentStatus()?.ticks === 1, "the first tick");
    await tick(2);
    await tick(3);
    const reported = () => log.find("warn", /GPU query failed/).map((line) => line.fields.problem);
    expect(reported()).toEqual(["nvidia-smi did not answer within 5000 ms"]);
    expect(ops.currentStatus()).toMatchObject({ gpuProblem: "nvidia-smi did not answer within 5000 ms" });
    host.problem = undefined;
    await tick(4);
    host.problem = "nvidia-smi failed: driver gone";
    await tick(5);
    await tick(6);
    expect(reported()).toEqual(["nvidia-smi did not answer within 5000 ms", "nvidia-smi failed: driver gone"]);
    controller.abort();
    await stop();
    await bus.close();
  });

  it("refuses a period below one second, non-retryably", async () => {
    const controller = new AbortController();
    const ctx = createTestContext<ExplorationOptions>({
      options: { ...options, every: "10ms" },
      clock: new SimulatedClock(),
      signal: controller.signal,
      fail: () => undefined,
    });
    await expect(defineExplorationMonitor(async () => fakeSample()).start(ctx)).rejects.toMatchObject({
      code: "CONFIG_INVALID",
      message: expect.stringMatching(/every: "10ms" is below 1s/),
    });
    controller.abort();
  });
});
