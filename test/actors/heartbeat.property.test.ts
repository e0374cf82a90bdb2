import { afterEach, describe, expect, it, vi } from "vitest";
import { heartbeatActor } from "../../src/actors/heartbeat/actor.js";
import { checkActorLifecycle, createTestBus, createTestContext } from "../../src/testing/index.js";

describe("heartbeat actor", () => {
  it("keeps the lifecycle contract under random start/stop/crash sequences (plexus/testing)", async () => {
    await checkActorLifecycle(heartbeatActor, { options: { everyMs: 10, topic: "runtime.heartbeat" }, numRuns: 25 });
  });

  afterEach(() => void vi.useRealTimers());

  it("publishes increasing sequence numbers and goes silent when stopped", async () => {
    const bus = createTestBus({ source: "heartbeat" });
    await bus.ready;
    vi.useFakeTimers();
    const ctx = createTestContext({
      options: { everyMs: 10, topic: "runtime.heartbeat" },
      bus,
      signal: new AbortController().signal,
      fail: () => {},
    });
    const stop = await heartbeatActor.start(ctx);
    await vi.advanceTimersByTimeAsync(30);
    const seqs = bus.published.map((envelope) => (envelope.payload as { seq: number }).seq);
    expect(seqs).toEqual([1, 2, 3, 4]);
    expect(bus.published.every((envelope) => envelope.topic === "runtime.heartbeat")).toBe(true);
    await stop?.();
    await vi.advanceTimersByTimeAsync(100);
    expect(bus.published).toHaveLength(4);
    await bus.close();
  });
});
