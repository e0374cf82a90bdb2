import { afterEach, describe, expect, it } from "vitest";
import { Publisher, Subscriber } from "zeromq";
import { createEnvelope, type Envelope } from "../../../src/transports/envelope.js";
import type { ZmqTransport } from "../../../src/transports/zmq/transport.js";
import { waitFor } from "../../helpers/wait.js";
import { collector, openTransport, startProxy, zmqConfig } from "./kit.js";

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function setup(
  overrides: Parameters<typeof zmqConfig>[1] = {},
): Promise<{ pub: ZmqTransport; sub: ZmqTransport; xsub: string; xpub: string }> {
  const { proxy, xsub, xpub } = await startProxy();
  cleanups.push(() => proxy.stop());
  const pub = await openTransport(zmqConfig({ xsub, xpub }, overrides));
  cleanups.push(() => pub.close());
  const sub = await openTransport(zmqConfig({ xsub, xpub }, overrides));
  cleanups.push(() => sub.close());
  return { pub, sub, xsub, xpub };
}

function batch(topic: string, count: number, from = 0): Envelope[] {
  return Array.from({ length: count }, (_, i) => createEnvelope(topic, { i: from + i }, "tester"));
}

describe("ZmqTransport", () => {
  it("delivers across processes' sockets in publish order and confirms the route", async () => {
    const { pub, sub } = await setup();
    const { received, deliver } = collector();
    await sub.subscribe({ pattern: "orders.created", subscriber: "s" }, deliver);
    // subscribe() resolved: the subscription reached the proxy, so nothing below may be lost.
    for (let round = 0; round < 10; round++) await pub.publish(batch("orders.created", 200, round * 200));
    await waitFor(() => received.length === 2000, "2000 messages");
    expect(received.map((e) => (e.payload as { i: number }).i)).toEqual(Array.from({ length: 2000 }, (_, i) => i));
    expect(received[0]?.source).toBe("tester");
    const stats = pub.stats();
    expect(stats.connected).toBe(true);
    expect(stats.published).toBe(2000);
    expect(stats.unrouted).toBe(0);
    expect(sub.stats().delivered).toBe(2000);
  });

  it("filters wildcards locally after a prefix subscription", async () => {
    const { pub, sub } = await setup();
    const one = collector();
    const tail = collector();
    await sub.subscribe({ pattern: "orders.*", subscriber: "one" }, one.deliver);
    await sub.subscribe({ pattern: "orders.>", subscriber: "tail" }, tail.deliver);
    const exact = collector();
    await sub.subscribe({ pattern: "orders", subscriber: "exact" }, exact.deliver);
    await pub.publish([
      ...batch("orders.created", 1),
      ...batch("orders.eu.created", 1),
      ...batch("ordersX.created", 1),
      ...batch("orders", 1),
      ...batch("invoices.created", 1),
    ]);
    await waitFor(() => tail.received.length === 2 && one.received.length === 1 && exact.received.length === 1, "wildcard deliveries");
    expect(one.received.map((e) => e.topic)).toEqual(["orders.created"]);
    expect(tail.received.map((e) => e.topic)).toEqual(["orders.created", "orders.eu.created"]);
    expect(exact.received.map((e) => e.topic)).toEqual(["orders"]);
    expect(sub.stats().details.filteredByPrefix).toBeGreaterThan(0); // ordersX.created admitted by prefix "orders"
  });

  it("wraps foreign JSON and dead-letters non-JSON frames", async () => {
    const { proxy, xsub, xpub } = await startProxy();
    cleanups.push(() => proxy.stop());
    const deadLetters: Array<{ topic: string; reason: string; raw: unknown }> = [];
    const sub = await openTransport(
      zmqConfig({ xsub, xpub }),
      {},
      { onDeadLetter: (topic, reason, raw) => void deadLetters.push({ topic, reason, raw }) },
    );
    cleanups.push(() => sub.close());
    const { received, deliver } = collector();
    await sub.subscribe({ pattern: "sensor.>", subscriber: "s" }, deliver);
    const foreign = new Publisher({ linger: 0 });
    cleanups.push(() => foreign.close());
    foreign.connect(xsub);
    // A plain publisher has no probe: resend until its subscription table has caught up.
    await waitFor(async () => {
      await foreign.send(["sensor.temp", JSON.stringify({ celsius: 21.5 })]);
      return received.length > 0;
    }, "foreign JSON");
    await foreign.send(["sensor.raw", "not json {"]);
    await waitFor(() => deadLetters.length > 0, "dead letter");
    const wrapped = received[0] as Envelope;
    expect(wrapped.source).toBe("external");
    expect(wrapped.topic).toBe("sensor.temp");
    expect(wrapped.payload).toEqual({ celsius: 21.5 });
    expect(typeof wrapped.id).toBe("string");
    expect(deadLetters[0]?.topic).toBe("sensor.raw");
    expect(deadLetters[0]?.reason).toMatch(/not JSON/);
    expect(deadLetters[0]?.raw).toBe("not json {");
    expect(sub.stats().details.foreignWrapped).toBeGreaterThan(0);
  });

  it("carries a 1 MB payload", async () => {
    const { pub, sub } = await setup();
    const { received, deliver } = collector();
    await sub.subscribe({ pattern: "blobs.big", subscriber: "s" }, deliver);
    const big = "x".repeat(1024 * 1024);
    await pub.publish([createEnvelope("blobs.big", { big }, "tester")]);
    await waitFor(() => received.length === 1, "1 MB message");
    expect((received[0]?.payload as { big: string }).big.length).toBe(1024 * 1024);
  });

  it("stops delivering after a subscription closes, and rejects after close()", async () => {
    const { pub, sub } = await setup();
    const closing = collector();
    const staying = collector();
    const handle = await sub.subscribe({ pattern: "news.>", subscriber: "a" }, closing.deliver);
    await sub.subscribe({ pattern: "news.>", subscriber: "b" }, staying.deliver);
    await pub.publish(batch("news.one", 1));
    await waitFor(() => closing.received.length === 1 && staying.received.length === 1, "first message");
    await handle.close();
    await pub.publish(batch("news.two", 1));
    await waitFor(() => staying.received.length === 2, "second message to the open subscription");
    expect(closing.received).toHaveLength(1);
    await pub.close();
    await expect(pub.publish(batch("news.three", 1))).rejects.toThrow(/closed/);
  });

  it("shares a queue group round-robin within the process", async () => {
    const { pub, sub } = await setup();
    const a = collector();
    const b = collector();
    await sub.subscribe({ pattern: "jobs.*", group: "workers", subscriber: "a" }, a.deliver);
    await sub.subscribe({ pattern: "jobs.*", group: "workers", subscriber: "b" }, b.deliver);
    expect(sub.guarantees.groupsAcrossProcesses).toBe(false);
    await pub.publish(batch("jobs.run", 10));
    await waitFor(() => a.received.length + b.received.length === 10, "10 jobs");
    expect(a.received).toHaveLength(5);
    expect(b.received).toHaveLength(5);
  });

  it("counts send-queue drops when noDrop is false", async () => {
    const { pub } = await setup({ sendHighWaterMark: 10 });
    await pub.publish(batch("burst.x", 1000));
    const drops = pub.stats().drops["publisher.send-queue-full"] ?? 0;
    expect(drops).toBeGreaterThan(0);
    expect(drops).toBeLessThanOrEqual(990);
  });

  it("back-pressures publishers with noDrop and loses nothing", async () => {
    const { proxy, xsub, xpub } = await startProxy({ noDrop: true, hwm: 5 });
    cleanups.push(() => proxy.stop());
    const config = zmqConfig({ xsub, xpub }, { noDrop: true, sendHighWaterMark: 5, receiveHighWaterMark: 5 });
    const pub = await openTransport(config);
    cleanups.push(() => pub.close());
    const sub = await openTransport(config);
    cleanups.push(() => sub.close());
    const received: number[] = [];
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let blocked = true;
    await sub.subscribe({ pattern: "slow.x", subscriber: "s" }, (envelope) => {
      received.push((envelope.payload as { i: number }).i);
      // Like a full mailbox with overflow "block": the transport must stop reading.
      return blocked ? gate : undefined;
    });
    const pad = "p".repeat(64 * 1024);
    const total = 400;
    let settled = 0;
    const publishes = Array.from({ length: total }, (_, i) =>
      pub.publish([createEnvelope("slow.x", { i, pad }, "t")]).then(() => void settled++),
    );
    await waitFor(() => received.length === 1 && pub.stats().details.socketFullRetries !== 0, "the pipeline to fill");
    expect(settled).toBeLessThan(total); // publishers are waiting, not dropping
    blocked = false;
    release();
    await Promise.all(publishes);
    await waitFor(() => received.length === total, "all messages after release", 10_000);
    expect(received).toEqual(Array.from({ length: total }, (_, i) => i));
    expect(pub.stats().drops).toEqual({});
  });

  it("batchFrames: plexus subscribers get batches in order, text-prefix foreign subscribers never see one", async () => {
    const { proxy, xsub, xpub } = await startProxy();
    cleanups.push(() => proxy.stop());
    const pub = await openTransport(zmqConfig({ xsub, xpub }), { batchFrames: true, maxBatchEnvelopes: 50 });
    cleanups.push(() => pub.close());
    const sub = await openTransport(zmqConfig({ xsub, xpub }));
    cleanups.push(() => sub.close());
    const foreign = new Subscriber({ linger: 0, receiveTimeout: 50 });
    cleanups.push(() => foreign.close());
    foreign.connect(xpub);
    foreign.subscribe("metrics.");
    const plain = await openTransport(zmqConfig({ xsub, xpub }));
    cleanups.push(() => plain.close());
    // The foreign subscription must be in the proxy before the batch goes out, or the check below
    // proves nothing: a default publisher's plain [topic, json] reaching it shows that it is.
    await waitFor(async () => {
      await plain.publish(batch("metrics.warmup", 1));
      return foreign.receive().then(
        () => true,
        () => false,
      );
    }, "the foreign subscriber to receive a plain message");
    const { received, deliver } = collector();
    await sub.subscribe({ pattern: "metrics.>", subscriber: "s" }, deliver);
    await pub.publish([...batch("metrics.cpu", 120), ...batch("metrics.mem", 3), ...batch("metrics.cpu", 2, 120)]);
    await waitFor(() => received.length === 125, "125 batched envelopes");
    expect(received.map((e) => `${e.topic}:${(e.payload as { i: number }).i}`)).toEqual([
      ...Array.from({ length: 120 }, (_, i) => `metrics.cpu:${i}`),
      "metrics.mem:0",
      "metrics.mem:1",
      "metrics.mem:2",
      "metrics.cpu:120",
      "metrics.cpu:121",
    ]);
    expect(pub.stats().details.sent).toBe(125);
    // Witness for "never sees a batch": the proxy had forwarded every batch frame before `sub`
    // held all 125 envelopes, so anything of the batch would reach `foreign` ahead of this marker.
    await plain.publish([createEnvelope("metrics.marker", { last: true }, "tester")]);
    foreign.receiveTimeout = 10_000;
    const topics: string[] = [];
    for (;;) {
      const [topic, json] = await foreign.receive();
      topics.push(String(topic));
      expect(JSON.parse(String(json))).toMatchObject({ topic: String(topic) }); // plain [topic, json], never a batch frame
      if (String(topic) === "metrics.marker") break;
    }
    expect(topics.filter((topic) => topic !== "metrics.warmup")).toEqual(["metrics.marker"]);
  });

  it("without a proxy: connect() resolves, publishes count as unrouted, subscribe() fails clearly", async () => {
    const nowhere = { xsub: "tcp://127.0.0.1:1", xpub: "tcp://127.0.0.1:2" };
    const transport = await openTransport(zmqConfig(nowhere), { connectWaitMs: 50, subscribeTimeoutMs: 50 });
    cleanups.push(() => transport.close());
    expect(transport.stats().connected).toBe(false);
    await transport.publish(batch("lost.x", 3));
    expect(transport.stats().unrouted).toBe(3);
    // The background route probe started by connect() gives up after its own 1,000 ms. Honouring
    // subscribeTimeoutMs (50 ms) means the rejection comes while that probe is still out, which
    // the probe counter shows without comparing wall-clock durations to a threshold.
    const timedOutBefore = transport.stats().details.probesTimedOut;
    const error = await transport.subscribe({ pattern: "lost.>", subscriber: "s" }, () => undefined).catch((thrown: unknown) => thrown);
    expect(transport.stats().details.probesTimedOut).toBe(timedOutBefore);
    expect((error as { code?: string }).code).toBe("ZMQ_SUBSCRIBE_TIMEOUT");
    expect(String(error)).toContain("within 50 ms");
    expect(String(error)).toContain(nowhere.xpub);
    // Rolled back: only the background route probe's private prefix (at most one) remains.
    expect(transport.stats().details.subscribedPrefixes).toBeLessThanOrEqual(1);
  });

  it("recovers after the proxy restarts on the same endpoints", async () => {
    const first = await startProxy();
    const endpoints = { xsub: first.xsub, xpub: first.xpub };
    const connections: boolean[] = [];
    const pub = await openTransport(zmqConfig(endpoints));
    cleanups.push(() => pub.close());
    const sub = await openTransport(zmqConfig(endpoints), {}, { onConnectionChange: (up) => void connections.push(up) });
    cleanups.push(() => sub.close());
    const { received, deliver } = collector();
    await sub.subscribe({ pattern: "life.>", subscriber: "s" }, deliver);
    await pub.publish(batch("life.before", 1));
    await waitFor(() => received.length === 1, "message before restart");
    await first.proxy.stop();
    await waitFor(() => !sub.stats().connected && !pub.stats().connected, "both clients to notice the proxy is gone");
    // stop() waits (up to 1 s) for the ports to be released; under load that can run out, so
    // retry the rebind as a supervisor's backoff would.
    const second = await waitFor(() => startProxy(endpoints), "the proxy to bind the same endpoints again", 5_000, 50);
    cleanups.push(() => second.proxy.stop());
    await waitFor(() => sub.stats().connected && pub.stats().connected, "route confirmed again", 10_000);
    // The SUB socket resent its subscription on reconnect: no resubscribe by the caller.
    await pub.publish(batch("life.after", 1));
    await waitFor(() => received.length === 2, "message after restart");
    expect(received[1]?.topic).toBe("life.after");
    expect(connections).toContain(false);
    expect(connections.at(-1)).toBe(true);
  });
});
