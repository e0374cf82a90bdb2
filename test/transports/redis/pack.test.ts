import type { Redis } from "ioredis";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { ResolvedRedisTransportConfig } from "../../../src/transports/transport-config.js";
import { createEnvelope, type Envelope } from "../../../src/transports/envelope.js";
import type { RedisTransport } from "../../../src/transports/redis/transport.js";
import { redisHostPort, serviceAvailable } from "../../helpers/services.js";
import { runPrefix, waitFor } from "../../helpers/wait.js";
import { adminClient, deleteKeys, makeTransport, pendingCount, redisConfig } from "./kit.js";

const { host, port } = redisHostPort();
const hasRedis = await serviceAvailable("redis", host, port);

/** `transport.pack`: several envelopes of one topic per stream entry, read back as single envelopes. */
describe.skipIf(!hasRedis)("RedisTransport with pack", () => {
  let admin: Redis;
  let prefix: string;
  const open: RedisTransport[] = [];

  async function transport(
    overrides: Partial<ResolvedRedisTransportConfig> = {},
    events: Parameters<RedisTransport["connect"]>[0] = {},
  ): Promise<RedisTransport> {
    const t = makeTransport(redisConfig(prefix, overrides));
    open.push(t);
    await t.connect(events);
    return t;
  }

  function envelopes(topic: string, count: number, from = 0): Envelope[] {
    return Array.from({ length: count }, (_, i) => createEnvelope(topic, { n: from + i }, "test"));
  }

  const n = (e: Envelope) => (e.payload as { n: number }).n;
  const group = (t: RedisTransport, name: string) => t.stats().details.groups[name];

  /** Field values of every entry of `stream`, as `{ field: value }` records. */
  async function entries(stream: string): Promise<Array<Record<string, string>>> {
    const rows = await admin.xrange(stream, "-", "+");
    return rows.map(([, flat]) => Object.fromEntries(flat.flatMap((value, i) => (i % 2 === 0 ? [[value, flat[i + 1] as string]] : []))));
  }

  beforeAll(() => {
    admin = adminClient();
  });
  afterAll(async () => {
    await admin.quit();
  });
  beforeEach(() => {
    prefix = runPrefix("redis-pack");
  });
  afterEach(async () => {
    await Promise.all(open.splice(0).map((t) => t.close()));
    await deleteKeys(admin, prefix);
  });

  it("writes runs of up to `pack` envelopes per entry and delivers each envelope, in order, acking every entry", async () => {
    const t = await transport({ pack: 10 });
    const seen: number[] = [];
    await t.subscribe({ pattern: "orders.created", subscriber: "orders" }, (e) => void seen.push(n(e)));
    const sent = envelopes("orders.created", 25);
    await t.publish(sent);
    await waitFor(() => seen.length === 25, "25 deliveries");
    expect(seen).toEqual(Array.from({ length: 25 }, (_, i) => i));

    const stored = await entries(`${prefix}:events`);
    expect(stored.map((fields) => Object.keys(fields))).toEqual([
      ["topic", "envelopes"],
      ["topic", "envelopes"],
      ["topic", "envelopes"],
    ]);
    expect(stored.map((fields) => (JSON.parse(fields.envelopes ?? "[]") as Envelope[]).length)).toEqual([10, 10, 5]);
    expect(JSON.parse(stored[0]?.envelopes ?? "[]")).toEqual(sent.slice(0, 10));

    await waitFor(() => group(t, "orders")?.acked === 3, "3 entries acked");
    expect(await pendingCount(admin, `${prefix}:events`, "orders")).toBe(0);
    expect(t.stats()).toMatchObject({ published: 25, delivered: 25 });
  });

  it("reads packed and plain entries side by side and filters packed entries by their topic", async () => {
    const packed = await transport({ pack: 5 });
    const plain = await transport();
    const orders: Array<[string, number]> = [];
    await packed.subscribe({ pattern: "orders.*", subscriber: "orders" }, (e) => void orders.push([e.topic, n(e)]));
    // Runs per topic keep the order across topics: orders.a ×2 | users.x ×1 | orders.a ×2.
    await packed.publish([...envelopes("orders.a", 2, 0), ...envelopes("users.x", 1, 100), ...envelopes("orders.a", 2, 2)]);
    await plain.publish(envelopes("orders.b", 2, 10));
    await packed.publish(envelopes("orders.b", 3, 12));
    await waitFor(() => orders.length === 9, "9 deliveries");
    expect(orders).toEqual([
      ["orders.a", 0],
      ["orders.a", 1],
      ["orders.a", 2],
      ["orders.a", 3],
      ["orders.b", 10],
      ["orders.b", 11],
      ["orders.b", 12],
      ["orders.b", 13],
      ["orders.b", 14],
    ]);
    const stored = await entries(`${prefix}:events`);
    // A run of one (users.x) and the unpacked publisher's entries use the plain, foreign-readable form.
    expect(stored.map((fields) => Object.keys(fields)[1])).toEqual([
      "envelopes",
      "envelope",
      "envelopes",
      "envelope",
      "envelope",
      "envelopes",
    ]);
    await waitFor(() => group(packed, "orders")?.acked === 6, "every entry acked");
    expect(group(packed, "orders")).toMatchObject({ delivered: 9, filtered: 1, acked: 6 });
  });

  it("leaves a pack pending when one envelope fails and, on redelivery, runs only that one", async () => {
    const t = await transport({ pack: 5 });
    const runs = new Map<number, number>();
    await t.subscribe({ pattern: "jobs.run", subscriber: "worker" }, async (e) => {
      const id = n(e);
      runs.set(id, (runs.get(id) ?? 0) + 1);
      if (id === 2 && runs.get(id) === 1) throw new Error("first attempt of job 2 fails");
    });
    await t.publish(envelopes("jobs.run", 5));
    await waitFor(() => runs.size === 5, "first delivery of all five");
    await waitFor(() => runs.get(2) === 2, "job 2 redelivered", 5_000);
    await waitFor(async () => (await pendingCount(admin, `${prefix}:events`, "worker")) === 0, "the pack acked");
    // Redis may answer the admin's XPENDING before the transport has counted its own XACK reply.
    await waitFor(() => group(t, "worker")?.acked === 1, "the ack counted");
    expect([...runs.entries()].sort(([a], [b]) => a - b)).toEqual([
      [0, 1],
      [1, 1],
      [2, 2],
      [3, 1],
      [4, 1],
    ]);
    // Redis clears the pending entry before the transport has read its XACK reply and counted
    // it: wait for the live counters rather than reading them once.
    await waitFor(
      () => group(t, "worker")?.acked === 1,
      () => `the transport to count its ack (now ${JSON.stringify(group(t, "worker"))})`,
    );
    expect(group(t, "worker")).toMatchObject({ delivered: 6, failed: 1, deduped: 4, acked: 1 });
    expect(group(t, "worker")?.reclaimed).toBeGreaterThanOrEqual(1);
  });

  it("dead-letters a poison pack whole, recording all its envelope ids and the unhandled ones", async () => {
    const dead: Array<{ topic: string; raw: unknown }> = [];
    const t = await transport({ pack: 3, maxDeliveries: 2 }, { onDeadLetter: (topic, _reason, raw) => void dead.push({ topic, raw }) });
    const runs = new Map<number, number>();
    await t.subscribe({ pattern: "poison.pack", subscriber: "victim" }, async (e) => {
      runs.set(n(e), (runs.get(n(e)) ?? 0) + 1);
      if (n(e) === 1) throw new Error("cannot digest 1");
    });
    const sent = envelopes("poison.pack", 3);
    await t.publish(sent);
    await waitFor(() => dead.length === 1, "dead letter", 8_000);
    expect([...runs.entries()].sort(([a], [b]) => a - b)).toEqual([
      [0, 1],
      [1, 2],
      [2, 1],
    ]);
    expect(dead[0]).toEqual({ topic: "poison.pack", raw: sent });
    const [letter] = await entries(`${prefix}:dead`);
    expect(JSON.parse(letter?.envelopeIds ?? "null")).toEqual(sent.map((e) => e.id));
    expect(JSON.parse(letter?.unhandledIds ?? "null")).toEqual([sent[1]?.id]);
    expect(letter?.reason).toContain("cannot digest 1");
    expect(letter?.reason).toContain("packed entry of 3 envelopes, 1 not handled");
    expect(await pendingCount(admin, `${prefix}:events`, "victim")).toBe(0);
  });

  it("packs per topic stream under the per-topic layout, for literal and wildcard subscribers", async () => {
    const t = await transport({ layout: "per-topic", pack: 10 });
    const cpu: number[] = [];
    const all: Array<[string, number]> = [];
    await t.subscribe({ pattern: "metrics.cpu", subscriber: "cpu" }, (e) => void cpu.push(n(e)));
    await t.subscribe({ pattern: "metrics.*", subscriber: "all" }, (e) => void all.push([e.topic, n(e)]));
    await t.publish([...envelopes("metrics.cpu", 3, 0), ...envelopes("metrics.disk", 2, 10), ...envelopes("metrics.cpu", 1, 3)]);
    await waitFor(() => cpu.length === 4 && all.length === 6, "per-topic deliveries", 5_000);
    expect(cpu).toEqual([0, 1, 2, 3]);
    expect(all.filter(([topic]) => topic === "metrics.disk").map(([, value]) => value)).toEqual([10, 11]);
    expect(all.filter(([topic]) => topic === "metrics.cpu").map(([, value]) => value)).toEqual([0, 1, 2, 3]);
    expect(await admin.xlen(`${prefix}:t:metrics.cpu`)).toBe(2);
    expect(await admin.xlen(`${prefix}:t:metrics.disk`)).toBe(1);
    expect((await admin.smembers(`${prefix}:topics`)).sort()).toEqual(["metrics.cpu", "metrics.disk"]);
    await waitFor(async () => (await pendingCount(admin, `${prefix}:t:metrics.cpu`, "cpu")) === 0, "cpu entries acked");
  });

  it("refuses a pack that is not a positive integer", () => {
    expect(() => makeTransport(redisConfig(prefix, { pack: 0 }))).toThrow(/transport.pack must be a positive integer/);
    expect(() => makeTransport(redisConfig(prefix, { pack: 2.5 }))).toThrow(/positive integer/);
  });
});
