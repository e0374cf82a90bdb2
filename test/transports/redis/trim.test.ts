import type { Redis } from "ioredis";
import { afterAll, afterEach, beforeEach, describe, expect, it } from "vitest";
import { Metrics } from "../../../src/common/metrics.js";
import { createEnvelope, type Envelope } from "../../../src/transports/envelope.js";
import { registerTransportMetrics } from "../../../src/transports/transport-metrics.js";
import type { RedisTransport } from "../../../src/transports/redis/transport.js";
import type { ResolvedRedisTransportConfig } from "../../../src/transports/transport-config.js";
import { redisHostPort, serviceAvailable } from "../../helpers/services.js";
import { runPrefix, waitFor } from "../../helpers/wait.js";
import { adminClient, deleteKeys, makeTransport, pendingCount, redisConfig } from "./kit.js";

const { host, port } = redisHostPort();
const hasRedis = await serviceAvailable("redis", host, port);

const MAX_LEN = 100;
const TOTAL = 600;

describe.skipIf(!hasRedis)("redis maxLen trimming never deletes what a consumer group still needs", () => {
  const admin: Redis = adminClient();
  const open: RedisTransport[] = [];
  let prefix: string;

  beforeEach(() => {
    prefix = runPrefix("redis-trim");
  });
  afterEach(async () => {
    await Promise.all(open.splice(0).map((transport) => transport.close()));
    await deleteKeys(admin, prefix);
  });
  afterAll(async () => {
    await admin.quit();
  });

  async function transport(overrides: Partial<ResolvedRedisTransportConfig> = {}): Promise<RedisTransport> {
    const t = makeTransport(redisConfig(prefix, { maxLen: MAX_LEN, ...overrides }));
    open.push(t);
    await t.connect();
    return t;
  }

  const batch = (from: number, size: number): Envelope[] =>
    Array.from({ length: size }, (_, i) => createEnvelope("trim.work", { n: from + i }, "test"));

  async function publishAll(t: RedisTransport, total: number): Promise<void> {
    for (let from = 0; from < total; from += 20) await t.publish(batch(from, 20));
  }

  it("a slow consumer gets every one of 600 entries published with maxLen 100", async () => {
    const publisher = await transport();
    const reader = await transport();
    const seen = new Set<number>();
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => (release = resolve));
    // Holds the first entry until everything is published: the group falls 600 behind.
    await reader.subscribe({ pattern: "trim.work", subscriber: "slow" }, async (envelope) => {
      await gate;
      seen.add((envelope.payload as { n: number }).n);
    });
    await publishAll(publisher, TOTAL);
    await publisher.trimNow();
    release();
    await waitFor(
      () => seen.size === TOTAL,
      () =>
        `all ${TOTAL} entries at the slow consumer (got ${seen.size}; stream length now ${String(publisher.stats().details.trimmed)} trimmed)`,
      15_000,
    );
    expect(reader.stats().drops).toEqual({});
    // Once the group has acked everything, trimming catches up.
    await waitFor(async () => (await pendingCount(admin, `${prefix}:events`, "slow")) === 0, "every entry acked");
    await publisher.trimNow();
    expect(await admin.xlen(`${prefix}:events`)).toBeLessThanOrEqual(MAX_LEN + 100); // `~`: whole nodes of 100
    expect(publisher.stats().details.trimHeldBy).toEqual({});
  });

  it("counts every group on the stream, also one of another process that has read nothing yet", async () => {
    const stream = `${prefix}:events`;
    await admin.xgroup("CREATE", stream, "elsewhere", "$", "MKSTREAM");
    const publisher = await transport();
    await publishAll(publisher, TOTAL);
    await publisher.trimNow();
    expect(await admin.xlen(stream)).toBe(TOTAL);
    expect(publisher.stats().details.trimHeldBy[stream]).toMatchObject({ group: "elsewhere", length: TOTAL });
    const metrics = new Metrics();
    registerTransportMetrics(metrics, () => publisher.stats());
    expect(await metrics.render()).toContain(`plexus_transport_trim_held{stream="${stream}",group="elsewhere"} ${TOTAL}`);
    const read = (await admin.xreadgroup("GROUP", "elsewhere", "c1", "COUNT", 10_000, "STREAMS", stream, ">")) as Array<
      [string, unknown[]]
    >;
    expect(read[0]?.[1]).toHaveLength(TOTAL);
    // Read but not acked: still needed.
    await publisher.trimNow();
    expect(await admin.xlen(stream)).toBe(TOTAL);
    const ids = (read[0]![1] as Array<[string, string[]]>).map(([id]) => id);
    await admin.xack(stream, "elsewhere", ...ids);
    await publisher.trimNow();
    expect(await admin.xlen(stream)).toBeLessThanOrEqual(MAX_LEN + 100);
    expect(publisher.stats().details.trimHeldBy).toEqual({});
  });

  it("at maxLenHard trims anyway, counting and logging each entry a group had not read, per group, as it happens", async () => {
    const stream = `${prefix}:events`;
    await admin.xgroup("CREATE", stream, "abandoned", "$", "MKSTREAM");
    const publisher = await transport({ maxLenHard: 300 });
    await publishAll(publisher, TOTAL);
    await publisher.trimNow();
    expect(await admin.xlen(stream)).toBe(300);
    const { drops, details } = publisher.stats();
    expect(drops).toEqual({ "trimmed-unread": TOTAL - 300 });
    expect(details.trimmedUnread).toEqual({ abandoned: TOTAL - 300 });
    // What is left is exactly what it can still read.
    const read = (await admin.xreadgroup("GROUP", "abandoned", "c1", "COUNT", 10_000, "STREAMS", stream, ">")) as Array<
      [string, unknown[]]
    >;
    expect(read[0]?.[1]).toHaveLength(300);
  });

  it("refuses a maxLenHard below maxLen", () => {
    expect(() => makeTransport(redisConfig(prefix, { maxLen: 1_000, maxLenHard: 999 }))).toThrow(
      /maxLenHard \(999\) must be at least maxLen \(1000\)/,
    );
  });

  it("keeps the stream near maxLen while every group keeps up", async () => {
    const publisher = await transport({ maxLen: 1_000 });
    const reader = await transport({ maxLen: 1_000 });
    let seen = 0;
    await reader.subscribe({ pattern: "trim.work", subscriber: "fast" }, () => void seen++);
    for (let from = 0; from < 5_000; from += 100) {
      await publisher.publish(batch(from, 100));
      await waitFor(() => seen === from + 100, "the fast group to keep up");
    }
    await waitFor(async () => (await pendingCount(admin, `${prefix}:events`, "fast")) === 0, "every entry acked");
    await publisher.trimNow();
    const length = await admin.xlen(`${prefix}:events`);
    expect(length).toBeGreaterThanOrEqual(1_000);
    expect(length).toBeLessThanOrEqual(1_200);
  });
});
