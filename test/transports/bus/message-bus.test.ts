import { afterEach, describe, expect, it } from "vitest";
import type { BusConfig } from "../../../src/transports/bus/bus-config.js";
import { silentLogger } from "../../../src/common/logger.js";
import { Metrics } from "../../../src/common/metrics.js";
import { MessageBus } from "../../../src/transports/bus/message-bus.js";
import { MemoryTransport } from "../../../src/transports/memory/transport.js";
import type { Transport } from "../../../src/transports/transport.js";
import { waitFor } from "../../helpers/wait.js";
import { FakeNetworkTransport } from "../fake-transport.js";
import { RecordingLogger } from "../../runtime/recording-logger.js";
import { PlexusError } from "../../../src/common/errors.js";

const defaults: BusConfig = {
  mailbox: { capacity: 1000, overflow: "drop-oldest" },
  outbox: { capacity: 1000, overflow: "drop-oldest" },
  maxPayloadBytes: 1_000,
  maxDepth: 64,
};
const buses: MessageBus[] = [];

async function newBus(
  transport: Transport = new MemoryTransport(),
  overrides: Partial<BusConfig> = {},
  metrics?: Metrics,
): Promise<MessageBus> {
  const bus = new MessageBus({
    transport,
    source: "test",
    log: silentLogger(),
    bounds: { ...defaults, ...overrides },
    ...(metrics ? { metrics } : {}),
  });
  await bus.start();
  buses.push(bus);
  return bus;
}

afterEach(async () => {
  await Promise.all(buses.splice(0).map((bus) => bus.close()));
});

async function rejection(promise: Promise<unknown>): Promise<{ code?: string; message: string }> {
  try {
    await promise;
  } catch (error) {
    return error as { code?: string; message: string };
  }
  throw new Error("expected a rejection");
}

describe("publish and subscribe over memory", () => {
  it("delivers to exact and wildcard subscribers, builds envelopes and validates topics", async () => {
    const bus = await newBus();
    const exact: unknown[] = [];
    const wild: string[] = [];
    await bus.subscribe("orders.created", (e) => void exact.push(e.payload));
    await bus.subscribe("orders.>", (e) => void wild.push(e.topic));
    const envelope = await bus.publish("orders.created", { id: 1 }, { headers: { trace: "t1" }, source: "shop" });
    await bus.publish("orders.shipped.eu", { id: 1 });
    await waitFor(() => wild.length === 2, "wildcard deliveries");
    expect(exact).toEqual([{ id: 1 }]);
    expect(wild).toEqual(["orders.created", "orders.shipped.eu"]);
    expect(envelope).toMatchObject({ topic: "orders.created", source: "shop", headers: { trace: "t1" } });
    expect((await rejection(bus.publish("orders.*", 1))).code).toBe("INVALID_TOPIC");
    expect((await rejection(bus.subscribe("orders*", () => undefined))).code).toBe("INVALID_PATTERN");
    expect(bus.stats()).toMatchObject({ published: 2, delivered: 3 });
  });

  it("enforces maxPayloadBytes for strings in memory and for JSON across processes", async () => {
    const memory = await newBus();
    expect((await rejection(memory.publish("big", "x".repeat(2_000)))).code).toBe("PAYLOAD_TOO_LARGE");
    await memory.publish("small", "x".repeat(100));
    const network = await newBus(new FakeNetworkTransport());
    const error = await rejection(network.publish("big", { blob: "é".repeat(600) }));
    expect(error.code).toBe("PAYLOAD_TOO_LARGE");
    expect(error.message).toMatch(/"big" is \d+ bytes, over bus.maxPayloadBytes \(1000\)/);
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect((await rejection(network.publish("cyc", cyclic))).code).toBe("PAYLOAD_NOT_SERIALIZABLE");
  });
});

describe("queue groups", () => {
  it("shares each message with one member of a group, round-robin, while plain subscribers get all", async () => {
    const bus = await newBus();
    const a: number[] = [];
    const b: number[] = [];
    const all: number[] = [];
    await bus.subscribe<number>("tasks.*", (e) => void a.push(e.payload), { group: "workers", subscriber: "a" });
    await bus.subscribe<number>("tasks.*", (e) => void b.push(e.payload), { group: "workers", subscriber: "b" });
    await bus.subscribe<number>("tasks.*", (e) => void all.push(e.payload), { subscriber: "audit" });
    for (let i = 0; i < 10; i++) await bus.publish("tasks.run", i);
    await waitFor(() => all.length === 10 && a.length + b.length === 10, "deliveries");
    expect(a).toEqual([0, 2, 4, 6, 8]);
    expect(b).toEqual([1, 3, 5, 7, 9]);
  });
});

describe("request/reply", () => {
  it("returns the handler's value (sync or async) to the requester", async () => {
    const bus = await newBus();
    await bus.subscribe<{ a: number; b: number }>("math.add", (e) => e.payload.a + e.payload.b);
    await bus.subscribe<string>("text.upper", async (e) => e.payload.toUpperCase());
    expect(await bus.request<number>("math.add", { a: 2, b: 3 })).toBe(5);
    expect(await bus.request<string>("text.upper", "hi")).toBe("HI");
    const [x, y] = await Promise.all([bus.request<number>("math.add", { a: 1, b: 1 }), bus.request<number>("math.add", { a: 10, b: 1 })]);
    expect([x, y]).toEqual([2, 11]);
  });

  it("times out with REQUEST_TIMEOUT, fails fast with NO_RESPONDERS, and relays handler errors", async () => {
    const bus = await newBus();
    await bus.subscribe("never.answers", () => new Promise(() => undefined));
    await bus.subscribe("fails", () => {
      throw new Error("bad input");
    });
    const timeout = await rejection(bus.request("never.answers", {}, { timeoutMs: 30 }));
    expect(timeout.code).toBe("REQUEST_TIMEOUT");
    expect(timeout.message).toMatch(/"never\.answers" within 30 ms/);
    expect((await rejection(bus.request("nobody.home", {}))).code).toBe("NO_RESPONDERS");
    const failed = await rejection(bus.request("fails", {}));
    expect(failed.code).toBe("REQUEST_FAILED");
    expect(failed.message).toMatch(/bad input/);
  });

  it("works across a network-style transport through replyTo and correlationId headers", async () => {
    const transport = new FakeNetworkTransport();
    const bus = await newBus(transport);
    const reply = bus.request<number>("svc.echo", 41, { timeoutMs: 2_000 });
    await waitFor(() => transport.sent.some((e) => e.topic === "svc.echo"), "request sent");
    const request = transport.sent.find((e) => e.topic === "svc.echo");
    expect(request?.headers?.replyTo).toMatch(/^_inbox\.[0-9a-f]+\./);
    // A remote responder answers on the inbox.
    void transport.inject({
      id: "r1",
      topic: request?.headers?.replyTo as string,
      ts: Date.now(),
      source: "remote",
      payload: 42,
      headers: { correlationId: request?.headers?.correlationId as string },
    });
    expect(await reply).toBe(42);
  });
});

describe("outbox", () => {
  it("keeps publishes while the transport is away, bounded (drop-oldest), and replays them in order on reconnect", async () => {
    const transport = new FakeNetworkTransport();
    const bus = await newBus(transport, { outbox: { capacity: 3, overflow: "drop-oldest" } });
    transport.failing = true;
    const publishes = [1, 2, 3, 4, 5].map((n) => bus.publish("evt", n));
    await Promise.all(publishes); // accepted into the outbox
    await waitFor(() => bus.stats().outbox.depth === 3, "outbox filled");
    expect(bus.stats().outbox).toMatchObject({ depth: 3, dropped: 2 });
    await bus.publish("evt", 6); // still offline: the oldest waiting one (3) makes room
    transport.reconnect();
    await waitFor(() => transport.sent.length === 3, "replayed");
    expect(transport.sent.map((e) => e.payload)).toEqual([4, 5, 6]);
    await bus.publish("evt", 7);
    await waitFor(() => transport.sent.length === 4, "new publish after replay");
    expect(transport.sent.map((e) => e.payload)).toEqual([4, 5, 6, 7]);
    expect(bus.stats().outbox).toEqual({ depth: 0, dropped: 3, replayed: 3 });
  });

  it("rejects publishes with OUTBOX_FULL under the reject policy", async () => {
    const transport = new FakeNetworkTransport();
    const bus = await newBus(transport, { outbox: { capacity: 2, overflow: "reject" } });
    transport.failing = true;
    await bus.publish("evt", 1);
    await waitFor(() => bus.stats().outbox.depth === 1, "first in the outbox");
    await bus.publish("evt", 2);
    const error = await rejection(bus.publish("evt", 3));
    expect(error.code).toBe("OUTBOX_FULL");
    expect(error.message).toMatch(/raise bus.outbox.capacity/);
    transport.reconnect();
    await waitFor(() => transport.sent.length === 2, "replayed");
    expect(transport.sent.map((e) => e.payload)).toEqual([1, 2]);
  });

  it("coalesces publishes of one tick into one batch", async () => {
    const transport = new FakeNetworkTransport();
    const bus = await newBus(transport);
    await Promise.all(Array.from({ length: 50 }, (_, i) => bus.publish("burst", i)));
    expect(transport.batches.length).toBe(1);
    expect(transport.batches[0]?.map((e) => e.payload)).toEqual(Array.from({ length: 50 }, (_, i) => i));
  });
});

describe("ack transports", () => {
  it("settles the Delivery promise only when the handler finishes, and rejects it when the handler fails", async () => {
    const transport = new FakeNetworkTransport(true);
    const bus = await newBus(transport);
    let release: () => void = () => {};
    const gate = new Promise<void>((resolve) => (release = resolve));
    await bus.subscribe<string>("acked", async (e) => {
      if (e.payload === "bad") throw new Error("cannot");
      await gate;
    });
    const [good] = transport.inject({ id: "1", topic: "acked", ts: 0, source: "x", payload: "good" });
    let settled = false;
    void (good as Promise<void>).then(() => (settled = true));
    for (let i = 0; i < 10; i++) await new Promise((resolve) => setImmediate(resolve));
    expect(settled).toBe(false);
    release();
    await waitFor(() => settled, "ack after the handler finished");
    const [bad] = transport.inject({ id: "2", topic: "acked", ts: 0, source: "x", payload: "bad" });
    await expect(bad).rejects.toThrow("cannot");
    expect(bus.stats().handlerErrors).toBe(1);
    // Redelivery is the transport's job: no dead letter from the bus for an ack transport.
    expect(transport.sent.filter((e) => e.topic.startsWith("_dead."))).toEqual([]);
  });
});

describe("on a transport that keeps unacknowledged messages", () => {
  it("dead-letters and acknowledges a message that failed its actor on every retry, instead of having it redelivered", async () => {
    const transport = new FakeNetworkTransport(true);
    const bus = await newBus(transport);
    await bus.subscribe("jobs.run", () => {
      throw new PlexusError("MESSAGE_CRASHED", "jobs.run@worker: the message was in its handler each time the actor failed");
    });
    const [delivery] = transport.inject({ id: "p1", topic: "jobs.run", ts: 0, source: "x", payload: {} });
    await expect(delivery).resolves.toBeUndefined();
    await waitFor(() => transport.sent.some((e) => e.topic === "_dead.jobs.run"), "the dead letter");
    const dead = transport.sent.find((e) => e.topic === "_dead.jobs.run");
    expect(dead?.headers).toMatchObject({ reason: "crashed", originalId: "p1" });
    expect(dead?.headers?.error).toMatch(/each time the actor failed/);
  });

  it("does not count or log as a drop what a closed or full mailbox hands back to it", async () => {
    const transport = new FakeNetworkTransport(true);
    const log = new RecordingLogger();
    const bus = new MessageBus({ transport, source: "test", log, bounds: { ...defaults, mailbox: { capacity: 1, overflow: "reject" } } });
    await bus.start();
    buses.push(bus);
    let release: () => void = () => {};
    const gate = new Promise<void>((resolve) => (release = resolve));
    const subscription = await bus.subscribe("jobs.run", () => gate);
    const inject = (id: string) => transport.inject({ id, topic: "jobs.run", ts: 0, source: "x", payload: {} })[0] as Promise<void>;
    const running = inject("1");
    await waitFor(() => bus.stats().mailboxDepths["jobs.run@test"] === 0 && bus.stats().delivered === 1, "the first in its handler");
    const queued = inject("2");
    const refused = inject("3");
    await expect(refused).rejects.toMatchObject({ code: "MAILBOX_FULL" });
    await subscription.unsubscribe();
    await expect(queued).rejects.toMatchObject({ code: "SUBSCRIPTION_CLOSED" });
    release();
    await running;
    expect(bus.stats().drops).toEqual({});
    expect(log.lines.filter((line) => /dropped/.test(line.message))).toEqual([]);
    expect(log.find("warn", /mailbox full: the message stays pending/)).toHaveLength(1);
    expect(transport.sent.filter((e) => e.topic.startsWith("_dead."))).toEqual([]);
  });
});

describe("metrics", () => {
  it("exposes counters and mailbox depth at scrape time", async () => {
    const metrics = new Metrics();
    const bus = await newBus(new MemoryTransport(), {}, metrics);
    const seen: number[] = [];
    await bus.subscribe<number>("m.x", (e) => void seen.push(e.payload), { subscriber: "meter" });
    for (let i = 0; i < 5; i++) await bus.publish("m.x", i);
    await waitFor(() => seen.length === 5, "delivered");
    const text = await metrics.render();
    expect(text).toMatch(/^plexus_bus_published_total 5$/m);
    expect(text).toMatch(/^plexus_bus_delivered_total 5$/m);
    expect(text).toMatch(/^plexus_bus_mailbox_depth\{subscription="m\.x@meter"\} 0$/m);
    expect(text).toMatch(/plexus_bus_outbox_depth 0/);
    await bus.publish("m.x", 6);
    expect(await metrics.render()).toMatch(/^plexus_bus_published_total 6$/m);
  });
});
