import { afterEach, describe, expect, it } from "vitest";
import type { BusConfig } from "../../../src/transports/bus/bus-config.js";
import { silentLogger } from "../../../src/common/logger.js";
import type { OverflowPolicy } from "../../../src/transports/bus/bus.js";
import { MessageBus } from "../../../src/transports/bus/message-bus.js";
import type { Envelope } from "../../../src/transports/envelope.js";
import { MemoryTransport } from "../../../src/transports/memory/transport.js";
import { waitFor } from "../../helpers/wait.js";

const defaults: BusConfig = {
  mailbox: { capacity: 100, overflow: "drop-oldest" },
  outbox: { capacity: 100, overflow: "drop-oldest" },
  maxPayloadBytes: 1_000_000,
  maxDepth: 64,
};
const buses: MessageBus[] = [];

async function newBus(): Promise<MessageBus> {
  const bus = new MessageBus({ transport: new MemoryTransport(), source: "test", log: silentLogger(), bounds: defaults });
  await bus.start();
  buses.push(bus);
  return bus;
}

afterEach(async () => {
  await Promise.all(buses.splice(0).map((bus) => bus.close()));
});

async function deadLetterSink(bus: MessageBus): Promise<Envelope[]> {
  const dead: Envelope[] = [];
  await bus.subscribe("_dead.>", (envelope) => void dead.push(envelope), { subscriber: "dead-sink" });
  return dead;
}

/** Subscribes with capacity 2 and publishes five messages in one tick, before the handler can run. */
async function overflow(
  policy: OverflowPolicy,
): Promise<{ bus: MessageBus; seen: number[]; dead: Envelope[]; results: PromiseSettledResult<unknown>[] }> {
  const bus = await newBus();
  const dead = await deadLetterSink(bus);
  const seen: number[] = [];
  await bus.subscribe<number>("work.item", (envelope) => void seen.push(envelope.payload), {
    mailbox: { capacity: 2, overflow: policy },
    subscriber: "worker",
  });
  const publishes = [1, 2, 3, 4, 5].map((n) => bus.publish("work.item", n));
  const results = await Promise.allSettled(publishes);
  return { bus, seen, dead, results };
}

describe("mailbox overflow policies", () => {
  it("drop-oldest keeps the newest, counts and dead-letters the rest with the reason", async () => {
    const { bus, seen, dead } = await overflow("drop-oldest");
    await waitFor(() => seen.length === 2 && dead.length === 3, "deliveries and dead letters");
    expect(seen).toEqual([4, 5]);
    expect(bus.stats().drops["drop-oldest"]).toBe(3);
    expect(dead.map((d) => (d.payload as Envelope).payload)).toEqual([1, 2, 3]);
    expect(dead[0]?.topic).toBe("_dead.work.item");
    expect(dead[0]?.headers?.reason).toBe("drop-oldest");
    expect(dead[0]?.headers?.subscription).toBe("work.item@worker");
    expect(bus.stats().deadLettered).toBe(3);
  });

  it("drop-newest keeps the oldest", async () => {
    const { bus, seen, dead } = await overflow("drop-newest");
    await waitFor(() => seen.length === 2 && dead.length === 3, "deliveries and dead letters");
    expect(seen).toEqual([1, 2]);
    expect(bus.stats().drops["drop-newest"]).toBe(3);
    expect(dead.every((d) => d.headers?.reason === "drop-newest")).toBe(true);
  });

  it("reject fails the publish with MAILBOX_FULL and dead-letters it", async () => {
    const { bus, seen, dead, results } = await overflow("reject");
    expect(results.map((r) => r.status)).toEqual(["fulfilled", "fulfilled", "rejected", "rejected", "rejected"]);
    const reason = (results[2] as PromiseRejectedResult).reason as { code: string; message: string };
    expect(reason.code).toBe("MAILBOX_FULL");
    expect(reason.message).toMatch(/work\.item@worker/);
    await waitFor(() => seen.length === 2 && dead.length === 3, "deliveries and dead letters");
    expect(bus.stats().drops.reject).toBe(3);
  });

  it("block back-pressures the publisher until the handler makes room, losing nothing", async () => {
    const bus = await newBus();
    let release: () => void = () => {};
    const gate = new Promise<void>((resolve) => (release = resolve));
    const seen: number[] = [];
    await bus.subscribe<number>(
      "slow",
      async (envelope) => {
        seen.push(envelope.payload);
        await gate;
      },
      { mailbox: { capacity: 1, overflow: "block" } },
    );
    await bus.publish("slow", 1);
    await waitFor(() => seen.length === 1, "handler busy with 1");
    await bus.publish("slow", 2); // fills the mailbox
    let thirdDone = false;
    const third = bus.publish("slow", 3).then(() => (thirdDone = true));
    for (let i = 0; i < 20; i++) await new Promise((resolve) => setImmediate(resolve));
    expect(thirdDone).toBe(false); // still blocked: the handler has not taken anything
    expect(bus.stats().mailboxDepths["slow@test"]).toBe(2);
    release();
    await third;
    await waitFor(() => seen.length === 3, "all three handled");
    expect(seen).toEqual([1, 2, 3]);
    expect(bus.stats().drops).toEqual({});
  });

  it("block bounds the waiting publishers too: a publisher that does not await gets MAILBOX_FULL", async () => {
    const { seen, bus, results } = await overflow("block");
    // capacity 2: two queued, two publishers waiting, the fifth refused rather than buffered without bound
    expect(results.map((r) => r.status)).toEqual(["fulfilled", "fulfilled", "fulfilled", "fulfilled", "rejected"]);
    expect(((results[4] as PromiseRejectedResult).reason as { code: string }).code).toBe("MAILBOX_FULL");
    await waitFor(() => seen.length === 4, "four handled");
    expect(seen).toEqual([1, 2, 3, 4]);
    expect(bus.stats().drops).toEqual({ "block-overflow": 1 });
  });
});

describe("handlers", () => {
  it("a throwing or rejecting handler is counted and dead-lettered, and the bus keeps going", async () => {
    const bus = await newBus();
    const dead = await deadLetterSink(bus);
    const seen: string[] = [];
    await bus.subscribe<string>("jobs.>", (envelope) => {
      if (envelope.payload === "sync-bad") throw new Error("sync boom");
      if (envelope.payload === "async-bad") return Promise.reject(new Error("async boom"));
      seen.push(envelope.payload);
      return undefined;
    });
    for (const payload of ["ok-1", "sync-bad", "ok-2", "async-bad", "ok-3"]) await bus.publish("jobs.run", payload);
    await waitFor(() => seen.length === 3 && dead.length === 2, "handled and dead-lettered");
    expect(seen).toEqual(["ok-1", "ok-2", "ok-3"]);
    expect(bus.stats().handlerErrors).toBe(2);
    expect(dead.map((d) => [d.headers?.reason, d.headers?.error])).toEqual([
      ["handler-error", "sync boom"],
      ["handler-error", "async boom"],
    ]);
  });

  it("concurrency lets several async handlers run at once, and no more", async () => {
    const bus = await newBus();
    let running = 0;
    let peak = 0;
    let done = 0;
    // Handlers hold a gate, not a timer: with all nine queued, exactly three may be inside at once
    // however slowly this process is scheduled.
    let release: () => void = () => {};
    const gate = new Promise<void>((resolve) => (release = resolve));
    await bus.subscribe(
      "par",
      async () => {
        running++;
        peak = Math.max(peak, running);
        await gate;
        running--;
        done++;
      },
      { concurrency: 3 },
    );
    for (let i = 0; i < 9; i++) await bus.publish("par", i);
    await waitFor(
      () => running === 3,
      () => `three handlers running (now ${running})`,
    );
    // Witness for "no fourth": the other six are still queued in the mailbox, not started.
    expect(bus.stats().mailboxDepths["par@test"]).toBe(6);
    release();
    await waitFor(
      () => done === 9,
      () => `nine handled (now ${done})`,
    );
    expect(peak).toBe(3);
  });

  it("unsubscribe stops delivery and dead-letters what was still queued", async () => {
    const bus = await newBus();
    const dead = await deadLetterSink(bus);
    const seen: number[] = [];
    const sub = await bus.subscribe<number>("q", (envelope) => void seen.push(envelope.payload));
    void bus.publish("q", 1);
    await sub.unsubscribe(); // before the microtask that would hand 1 over
    await bus.publish("q", 2);
    await waitFor(() => dead.length === 1, "closed message dead-lettered");
    expect(seen).toEqual([]);
    expect(dead[0]?.headers?.reason).toBe("closed");
    expect(bus.stats().transport.unrouted).toBeGreaterThanOrEqual(1);
  });
});
