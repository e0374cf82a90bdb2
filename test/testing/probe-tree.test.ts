import { describe, expect, it } from "vitest";
import { defineActor } from "../../src/runtime/define-actor.js";
import { createProbeTree, createTestBus, SimulatedClock, waitFor } from "../../src/testing/index.js";

/** Publishes its id on `ticks` every `everyMs` of its context's clock. */
const ticker = defineActor({
  kind: "ticker",
  options: { type: "object", properties: { everyMs: { type: "integer", minimum: 1 } }, required: ["everyMs"] },
  start(ctx) {
    const timer = ctx.clock.setInterval(() => void ctx.bus.publish("ticks", { from: ctx.id }), ctx.options.everyMs);
    return () => ctx.clock.clearInterval(timer);
  },
});

describe("createProbeTree", () => {
  it("runs your kinds next to the probes, on the bus and clock you give", async () => {
    const bus = createTestBus();
    const clock = new SimulatedClock();
    const { tree, probe, events } = createProbeTree({
      root: {
        id: "root",
        supervisor: { strategy: "one_for_one" },
        children: [
          { id: "fast", kind: "ticker", options: { everyMs: 10 } },
          { id: "slow", kind: "ticker", options: { everyMs: 25 } },
          { id: "p", kind: "probe" },
        ],
      },
      kinds: [ticker],
      bus,
      clock,
    });
    await tree.start();
    try {
      expect(probe.isRunning("root/p")).toBe(true);
      clock.advance(50);
      await waitFor(() => bus.published.length === 7, { message: "5 fast and 2 slow ticks" });
      const senders = bus.published.map((envelope) => envelope.source);
      expect(senders.filter((source) => source === "fast")).toHaveLength(5);
      expect(senders.filter((source) => source === "slow")).toHaveLength(2);
      expect(events.filter((event) => event.state === "running").map((event) => event.path)).toEqual(
        expect.arrayContaining(["root/fast", "root/slow", "root/p"]),
      );
    } finally {
      await tree.stop();
    }
    // Stopped tickers cleared their timers: time passing publishes nothing more.
    expect(clock.pending).toBe(0);
    await bus.close();
  });

  it("checks a config-shaped root as a runtime would: kind options and durations, every problem named", () => {
    const build = () =>
      createProbeTree({
        root: {
          id: "root",
          supervisor: { period: "soon" as never },
          children: [{ id: "t", kind: "ticker", options: { everyMs: "often" } }],
        },
        kinds: [ticker],
      });
    expect(build).toThrow(/createProbeTree/);
    expect(build).toThrow(/supervisor\.period/);
    expect(build).toThrow(/children\[0\]\.options\.everyMs|t\.options\.everyMs|options\.everyMs/);
  });

  it("keeps a restarting worker's subscriptions, as the runtime does: messages published while it restarts reach the next incarnation", async () => {
    const handled: number[] = [];
    const fails: Array<(error: unknown) => void> = [];
    const worker = defineActor({
      kind: "worker",
      async start(ctx) {
        fails.push(ctx.fail);
        await ctx.bus.subscribe<{ n: number }>("jobs", (envelope) => void handled.push(envelope.payload.n));
      },
    });
    const bus = createTestBus();
    const { tree, events } = createProbeTree({
      root: { id: "root", supervisor: { backoff: { min: "50ms", max: "50ms", jitter: 0 } }, children: [{ id: "w", kind: "worker" }] },
      kinds: [worker],
      bus,
    });
    await tree.start();
    try {
      fails[0]!(new Error("crashed on purpose"));
      for (let n = 1; n <= 5; n++) await bus.publish("jobs", { n });
      await waitFor(() => fails.length === 2 && handled.length === 5, {
        message: () => `a second incarnation and 5 jobs (got ${handled.join(",")})`,
      });
      expect(handled).toEqual([1, 2, 3, 4, 5]);
      expect(events.some((event) => event.path === "root/w" && event.state === "restarting")).toBe(true);
    } finally {
      await tree.stop();
      await bus.close();
    }
  });
});
