import { execFile } from "node:child_process";
import { promisify } from "node:util";
import type { Redis } from "ioredis";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createEnvelope, type Envelope } from "../../../src/transports/envelope.js";
import type { RedisTransport } from "../../../src/transports/redis/transport.js";
import type { ResolvedRedisTransportConfig } from "../../../src/transports/transport-config.js";
import { redisHostPort, serviceAvailable } from "../../helpers/services.js";
import { runPrefix, waitFor } from "../../helpers/wait.js";
import { adminClient, deleteKeys, makeTransport, pendingCount, redisConfig } from "./kit.js";

const { host, port } = redisHostPort();
const hasRedis = await serviceAvailable("redis", host, port);

describe.skipIf(!hasRedis)("RedisTransport (events layout)", () => {
  let admin: Redis;
  let prefix: string;
  const open: RedisTransport[] = [];

  async function transport(overrides: Partial<ResolvedRedisTransportConfig> = {}): Promise<RedisTransport> {
    const t = makeTransport(redisConfig(prefix, overrides));
    open.push(t);
    await t.connect();
    return t;
  }

  function envelopes(topic: string, count: number, from = 0): Envelope[] {
    return Array.from({ length: count }, (_, i) => createEnvelope(topic, { n: from + i }, "test"));
  }

  beforeAll(() => {
    admin = adminClient();
  });
  afterAll(async () => {
    await admin.quit();
  });
  afterEach(async () => {
    await Promise.all(open.splice(0).map((t) => t.close()));
    await deleteKeys(admin, prefix);
  });
  // A fresh prefix per test keeps streams and groups apart.
  beforeEach(() => {
    prefix = runPrefix("redis");
  });

  it("delivers every envelope in publish order and acks each one", async () => {
    const t = await transport();
    const seen: number[] = [];
    await t.subscribe({ pattern: "orders.created", subscriber: "orders-actor" }, (e) => {
      seen.push((e.payload as { n: number }).n);
    });
    for (let b = 0; b < 10; b++) await t.publish(envelopes("orders.created", 50, b * 50));
    await waitFor(() => seen.length === 500, "500 deliveries");
    expect(seen).toEqual(Array.from({ length: 500 }, (_, i) => i));
    await waitFor(() => t.stats().details.groups["orders-actor"]?.acked === 500, "500 acks");
    expect(await pendingCount(admin, `${prefix}:events`, "orders-actor")).toBe(0);
    expect(t.stats()).toMatchObject({ kind: "redis", connected: true, published: 500, delivered: 500 });
  });

  it("filters by wildcard locally and counts what it filtered", async () => {
    const t = await transport();
    const one: string[] = [];
    const tail: string[] = [];
    await t.subscribe({ pattern: "orders.*", subscriber: "one" }, (e) => void one.push(e.topic));
    await t.subscribe({ pattern: "orders.>", subscriber: "tail" }, (e) => void tail.push(e.topic));
    await t.publish([...envelopes("orders.created", 1), ...envelopes("orders.eu.created", 1), ...envelopes("users.joined", 1)]);
    await waitFor(() => tail.length === 2 && one.length === 1, "wildcard deliveries");
    expect(one).toEqual(["orders.created"]);
    expect(tail).toEqual(["orders.created", "orders.eu.created"]);
    // stats() returns a new snapshot on every call: read it inside the condition, not once before.
    const groups = () => t.stats().details.groups;
    await waitFor(
      () => groups().one?.filtered === 2 && groups().tail?.filtered === 1,
      () => `filtered counts one=2, tail=1 (now ${JSON.stringify(groups())})`,
    );
  });

  it("shares one group between two transports (two processes) without duplicates", async () => {
    const a = await transport({ batch: 10 });
    const b = await transport({ batch: 10 });
    const byA: number[] = [];
    const byB: number[] = [];
    await a.subscribe(
      { pattern: "jobs.run", group: "workers", subscriber: "worker-a" },
      (e) => void byA.push((e.payload as { n: number }).n),
    );
    await b.subscribe(
      { pattern: "jobs.run", group: "workers", subscriber: "worker-b" },
      (e) => void byB.push((e.payload as { n: number }).n),
    );
    const publisher = await transport();
    for (let i = 0; i < 20; i++) {
      await publisher.publish(envelopes("jobs.run", 10, i * 10));
      await waitFor(() => byA.length + byB.length === (i + 1) * 10, `batch ${i} consumed`);
    }
    const all = [...byA, ...byB].sort((x, y) => x - y);
    expect(all).toEqual(Array.from({ length: 200 }, (_, i) => i));
    expect(byA.length).toBeGreaterThan(0);
    expect(byB.length).toBeGreaterThan(0);
  });

  it("carries a 1 MB payload intact", async () => {
    const t = await transport();
    const big = "x".repeat(1024 * 1024);
    let received: string | undefined;
    await t.subscribe({ pattern: "blobs.big", subscriber: "blob" }, (e) => {
      received = (e.payload as { data: string }).data;
    });
    await t.publish([createEnvelope("blobs.big", { data: big }, "test")]);
    await waitFor(() => received !== undefined, "the 1 MB delivery");
    expect(received).toBe(big);
  });

  it("acks only after success: a rejected delivery stays pending and is redelivered by reclaim", async () => {
    const t = await transport();
    let attempts = 0;
    let succeeded = false;
    await t.subscribe({ pattern: "flaky.op", subscriber: "flaky" }, async () => {
      attempts++;
      if (attempts === 1) throw new Error("first attempt fails");
      succeeded = true;
    });
    await t.publish(envelopes("flaky.op", 1));
    await waitFor(() => attempts === 1, "first attempt");
    await waitFor(async () => (await pendingCount(admin, `${prefix}:events`, "flaky")) === 1 || succeeded, "entry left pending");
    await waitFor(() => succeeded, "redelivery after reclaim", 5_000);
    await waitFor(async () => (await pendingCount(admin, `${prefix}:events`, "flaky")) === 0, "entry acked");
    const group = t.stats().details.groups.flaky;
    expect(group?.failed).toBe(1);
    expect(group?.reclaimed).toBeGreaterThanOrEqual(1);
  });

  it("dead-letters an entry after maxDeliveries and acks the original", async () => {
    const dead: Array<{ topic: string; reason: string }> = [];
    const t = makeTransport(redisConfig(prefix, { maxDeliveries: 2 }));
    open.push(t);
    await t.connect({ onDeadLetter: (topic, reason) => void dead.push({ topic, reason }) });
    let attempts = 0;
    await t.subscribe({ pattern: "poison.pill", subscriber: "victim" }, async () => {
      attempts++;
      throw new Error("cannot digest");
    });
    await t.publish(envelopes("poison.pill", 1));
    await waitFor(() => dead.length === 1, "dead letter", 8_000);
    expect(attempts).toBe(2);
    expect(dead[0]?.topic).toBe("poison.pill");
    expect(dead[0]?.reason).toContain("cannot digest");
    const entries = await admin.xrange(`${prefix}:dead`, "-", "+");
    expect(entries).toHaveLength(1);
    const fields = entries[0]?.[1] ?? [];
    expect(fields[fields.indexOf("reason") + 1]).toContain("maxDeliveries 2");
    expect(fields[fields.indexOf("group") + 1]).toBe("victim");
    expect(await pendingCount(admin, `${prefix}:events`, "victim")).toBe(0);
  });

  it("deduplicates a redelivered envelope id (the handler runs once, the duplicate is acked)", async () => {
    const t = await transport();
    let runs = 0;
    await t.subscribe({ pattern: "pay.charge", subscriber: "payer" }, () => void runs++);
    const once = envelopes("pay.charge", 1);
    await t.publish(once);
    await t.publish(once); // the outbox replaying an ambiguous publish sends the same id again
    await t.publish(envelopes("pay.charge", 1)); // a fence: when it is seen, both copies were read
    await waitFor(() => runs === 2, "two distinct deliveries");
    await waitFor(() => t.stats().details.groups.payer?.deduped === 1, "dedupe count");
    expect(runs).toBe(2);
    // The handler and the dedupe count run before the batch's XACK is sent: poll Redis for it.
    await waitFor(async () => (await pendingCount(admin, `${prefix}:events`, "payer")) === 0, "every entry acked");
  });

  it("recreates the stream and group when they vanish under a running consumer (NOGROUP)", async () => {
    const t = await transport();
    const seen: number[] = [];
    await t.subscribe({ pattern: "keep.going", subscriber: "survivor" }, (e) => void seen.push((e.payload as { n: number }).n));
    await t.publish(envelopes("keep.going", 1, 0));
    await waitFor(() => seen.length === 1, "first delivery");
    await admin.del(`${prefix}:events`);
    // The consumer notices on its next read; until the group is back, publishes recreate the stream
    // without the group, so publish repeatedly until one lands after the group was recreated.
    let n = 1;
    await waitFor(
      async () => {
        await t.publish(envelopes("keep.going", 1, n++));
        return seen.length >= 2;
      },
      "delivery after the stream was deleted",
      5_000,
      50,
    );
    const group = t.stats().details.groups.survivor;
    expect(group?.groupsRecreated).toBeGreaterThanOrEqual(1);
    // Everything published after the recreation arrives, in order (the group restarts from 0 of
    // the new stream); the last publish may still be in flight when the condition above passed.
    await waitFor(() => seen.includes(n - 1), "the last publish to arrive");
    const resumedAt = seen[1]!;
    expect(seen.slice(1)).toEqual(Array.from({ length: n - resumedAt }, (_, i) => resumedAt + i));
  });

  it("wraps foreign entries as external envelopes and dead-letters undecodable ones", async () => {
    const dead: string[] = [];
    const t = makeTransport(redisConfig(prefix));
    open.push(t);
    await t.connect({ onDeadLetter: (_topic, reason) => void dead.push(reason) });
    const got: Envelope[] = [];
    await t.subscribe({ pattern: "orion.>", subscriber: "bridge" }, (e) => void got.push(e));
    const stream = `${prefix}:events`;
    const foreignId = await admin.xadd(stream, "*", "topic", "orion.incident", "data", JSON.stringify({ severity: "high" }));
    await admin.xadd(stream, "*", "event_type", "orion.broken", "data", "{not json");
    await waitFor(() => got.length === 1 && dead.length === 1, "wrapped delivery and dead letter");
    expect(got[0]).toMatchObject({ topic: "orion.incident", source: "external", payload: { severity: "high" }, id: `redis-${foreignId}` });
    expect(dead[0]).toContain("not JSON");
    expect(await admin.xlen(`${prefix}:dead`)).toBe(1);
    await waitFor(async () => (await pendingCount(admin, stream, "bridge")) === 0, "both acked");
  });

  it("writes entries redis-cli can read as plain JSON", async () => {
    const t = await transport();
    const sent = createEnvelope("cli.visible", { hello: "world" }, "test");
    await t.publish([sent]);
    const { stdout } = await promisify(execFile)("redis-cli", ["-h", host, "-p", String(port), "XRANGE", `${prefix}:events`, "-", "+"]);
    const lines = stdout.trim().split("\n");
    expect(lines).toContain("topic");
    expect(lines).toContain("cli.visible");
    const json = lines[lines.indexOf("envelope") + 1] ?? "";
    expect(JSON.parse(json)).toEqual(sent);
  });

  it("warns when lag plus pending approach maxLen", async () => {
    const t = await transport({ maxLen: 10 });
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => (release = resolve));
    await t.subscribe({ pattern: "slow.work", subscriber: "slow" }, () => gate);
    await t.publish(envelopes("slow.work", 9));
    await waitFor(async () => (await pendingCount(admin, `${prefix}:events`, "slow")) >= 1, "entries pending");
    await t.checkTrimRisk();
    expect(t.stats().details).toMatchObject({ trimWarnings: 1, groupsAtRisk: [`${prefix}:events#slow`] });
    const group = t.stats().details.groups.slow;
    expect((group?.lag ?? 0) + (group?.pending ?? 0)).toBe(9);
    release();
    await waitFor(async () => (await pendingCount(admin, `${prefix}:events`, "slow")) === 0, "drained");
    await t.checkTrimRisk();
    expect(t.stats().details.groupsAtRisk).toEqual([]);
  });

  it("refuses two patterns in one explicit group and separates a subscriber's two patterns", async () => {
    const t = await transport();
    await t.subscribe({ pattern: "a.x", group: "shared", subscriber: "s1" }, () => undefined);
    await expect(t.subscribe({ pattern: "a.y", group: "shared", subscriber: "s2" }, () => undefined)).rejects.toThrow(
      /must share one pattern/,
    );
    await t.subscribe({ pattern: "b.x", subscriber: "actor" }, () => undefined);
    await t.subscribe({ pattern: "b.y", subscriber: "actor" }, () => undefined);
    expect(Object.keys(t.stats().details.groups).sort()).toEqual(["actor", "actor:b.y", "shared"]);
  });

  it("rejects publish before connect with a clear error", async () => {
    const t = makeTransport(redisConfig(prefix));
    await expect(t.publish(envelopes("x.y", 1))).rejects.toThrow(/before connect/);
  });
});

describe.skipIf(!hasRedis)("RedisTransport (per-topic layout)", () => {
  let admin: Redis;
  const prefix = runPrefix("redis-pt");
  const open: RedisTransport[] = [];

  beforeAll(() => {
    admin = adminClient();
  });
  afterAll(async () => {
    await Promise.all(open.splice(0).map((t) => t.close()));
    await deleteKeys(admin, prefix);
    await admin.quit();
  });

  it("writes one stream per topic and discovers new topics for wildcard subscriptions", async () => {
    const t = makeTransport(redisConfig(prefix, { layout: "per-topic" }));
    open.push(t);
    await t.connect();
    const literal: string[] = [];
    const wildcard: string[] = [];
    await t.subscribe({ pattern: "metrics.cpu", subscriber: "cpu" }, (e) => void literal.push(e.topic));
    await t.subscribe({ pattern: "metrics.*", subscriber: "all-metrics" }, (e) => void wildcard.push(e.topic));
    // metrics.disk does not exist yet: discovery must find it after the subscription started.
    await t.publish([createEnvelope("metrics.cpu", 1, "t"), createEnvelope("metrics.disk", 2, "t"), createEnvelope("logs.app", 3, "t")]);
    await waitFor(() => literal.length === 1 && wildcard.length === 2, "per-topic deliveries", 5_000);
    expect(literal).toEqual(["metrics.cpu"]);
    expect(wildcard.sort()).toEqual(["metrics.cpu", "metrics.disk"]);
    expect(await admin.xlen(`${prefix}:t:metrics.disk`)).toBe(1);
    expect((await admin.smembers(`${prefix}:topics`)).sort()).toEqual(["logs.app", "metrics.cpu", "metrics.disk"]);

    // A producer that never registers its topic is found by the periodic SCAN instead.
    await admin.xadd(`${prefix}:t:metrics.mem`, "*", "topic", "metrics.mem", "data", JSON.stringify({ rss: 1 }));
    await waitFor(() => wildcard.includes("metrics.mem"), "SCAN discovery of an unregistered stream", 5_000);
  });
});
