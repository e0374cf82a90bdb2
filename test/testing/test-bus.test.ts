import { describe, expect, it } from "vitest";
import { createTestBus } from "../../src/testing/test-bus.js";
import { createTestContext } from "../../src/testing/test-context.js";
import { waitFor } from "../../src/testing/wait-for.js";

describe("createTestBus", () => {
  it("is a real bus: subscriptions receive, requests get replies, publishes are recorded", async () => {
    const bus = createTestBus({ source: "unit" });
    try {
      const received: unknown[] = [];
      await bus.subscribe("orders.>", (envelope) => void received.push(envelope.payload));
      await bus.subscribe("prices.quote", (envelope) => ({ price: (envelope.payload as { qty: number }).qty * 2 }));
      await bus.publish("orders.new", { id: 1 });
      await waitFor(() => received.length === 1, { message: "the order to arrive" });
      expect(received).toEqual([{ id: 1 }]);
      await expect(bus.request("prices.quote", { qty: 21 })).resolves.toEqual({ price: 42 });
      expect(bus.published.map((envelope) => [envelope.topic, envelope.source])).toContainEqual(["orders.new", "unit"]);
      expect(bus.stats().published).toBeGreaterThanOrEqual(2);
    } finally {
      await bus.close();
    }
    await expect(bus.publish("orders.new", {})).rejects.toThrow();
  });

  it("rejects what the real bus rejects (an invalid topic) instead of recording it", async () => {
    const bus = createTestBus();
    await expect(bus.publish("bad topic", {})).rejects.toThrow(/topic/);
    expect(bus.published).toEqual([]);
    await bus.close();
  });

  it("gives each test context an actor-scoped view: its id as source, its subscriptions closed on abort", async () => {
    const bus = createTestBus();
    const controller = new AbortController();
    const ctx = createTestContext({ id: "worker", bus, signal: controller.signal, fail: () => undefined });
    const seen: string[] = [];
    await ctx.bus.subscribe("jobs", (envelope) => void seen.push(envelope.source));
    await bus.publish("jobs", {}, { source: "a" });
    await waitFor(() => seen.length === 1, { message: "the first job" });
    await ctx.bus.publish("jobs", {});
    await waitFor(() => seen.length === 2, { message: "the worker's own job" });
    expect(seen).toEqual(["a", "worker"]);
    controller.abort();
    // The scoped subscription closes on abort; a witness subscriber proves the later publish happened.
    const witness: string[] = [];
    await bus.subscribe("jobs", (envelope) => void witness.push(envelope.source));
    await waitFor(
      async () => {
        await bus.publish("jobs", {}, { source: "b" });
        return witness.includes("b");
      },
      { message: "the witness to see the publish" },
    );
    expect(seen).toEqual(["a", "worker"]);
    await bus.close();
  });
});
