import type { Redis } from "ioredis";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createEnvelope, type Envelope } from "../../../src/transports/envelope.js";
import type { RedisTransport } from "../../../src/transports/redis/transport.js";
import type { RedisTransportTuning } from "../../../src/transports/redis/transport.js";
import type { ResolvedRedisTransportConfig } from "../../../src/transports/transport-config.js";
import { redisHostPort, serviceAvailable } from "../../helpers/services.js";
import { runPrefix, waitFor } from "../../helpers/wait.js";
import { adminClient, deleteKeys, makeTransport, pendingCount, redisConfig } from "./kit.js";

const { host, port } = redisHostPort();
const hasRedis = await serviceAvailable("redis", host, port);

describe.skipIf(!hasRedis)("redis consumers: one stable name per subscriber, removed when done, pending entries never lost", () => {
  let admin: Redis;
  let prefix: string;
  const open: RedisTransport[] = [];

  async function transport(
    overrides: Partial<ResolvedRedisTransportConfig> = {},
    tuning: Partial<RedisTransportTuning> = {},
  ): Promise<RedisTransport> {
    const t = makeTransport(redisConfig(prefix, overrides), tuning);
    open.push(t);
    await t.connect();
    return t;
  }

  function envelopes(topic: string, count: number): Envelope[] {
    return Array.from({ length: count }, (_, n) => createEnvelope(topic, { n }, "test"));
  }

  async function consumers(group: string): Promise<Array<{ name: string; pending: number }>> {
    const rows = (await admin.xinfo("CONSUMERS", `${prefix}:events`, group)) as unknown[][];
    return rows.map((row) => ({ name: String(row[1]), pending: Number(row[3]) }));
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
  beforeEach(() => {
    prefix = runPrefix("redis-consumers");
  });

  it("a subscription opened again by the same subscriber first reads the entries it left pending", async () => {
    // claimIdleMs of a minute: only reading its own pending entries can bring them back in time.
    const t = await transport({ claimIdleMs: 60_000 });
    const first = await t.subscribe({ pattern: "jobs.*", subscriber: "worker" }, () => Promise.reject(new Error("not now")));
    await t.publish(envelopes("jobs.run", 3));
    await waitFor(() => t.stats().details.groups.worker?.failed === 3, "three failed deliveries");
    await first.close();
    expect(await pendingCount(admin, `${prefix}:events`, "worker")).toBe(3);
    const seen: number[] = [];
    await t.subscribe({ pattern: "jobs.*", subscriber: "worker" }, (envelope) => void seen.push((envelope.payload as { n: number }).n));
    await waitFor(
      () => seen.length === 3,
      () => `the three pending entries handled (seen ${seen.length})`,
      3_000,
    );
    expect(seen).toEqual([0, 1, 2]);
    await waitFor(async () => (await pendingCount(admin, `${prefix}:events`, "worker")) === 0, "the entries acked");
  });

  it("closing a subscription removes its consumer once nothing is pending", async () => {
    const t = await transport();
    const seen: Envelope[] = [];
    const subscription = await t.subscribe({ pattern: "jobs.*", subscriber: "worker" }, (envelope) => void seen.push(envelope));
    await t.publish(envelopes("jobs.run", 5));
    await waitFor(() => t.stats().details.groups.worker?.acked === 5, "five acks");
    expect((await consumers("worker")).map((consumer) => consumer.pending)).toEqual([0]);
    await subscription.close();
    expect(await consumers("worker")).toEqual([]);
  });

  it("closing a subscription with entries pending keeps its consumer until a member of its group took them over", async () => {
    const t = await transport({ claimIdleMs: 300 }, { consumerPruneIdleMs: 300 });
    const failing = await t.subscribe({ pattern: "jobs.*", group: "pool", subscriber: "a" }, () => Promise.reject(new Error("no")));
    await t.publish(envelopes("jobs.run", 4));
    await waitFor(() => t.stats().details.groups.pool?.failed === 4, "four failed deliveries");
    await failing.close();
    const kept = await consumers("pool");
    expect(kept).toHaveLength(1);
    expect(kept[0]?.pending).toBe(4);
    // Another member of the group (another process) reclaims the entries, then the empty consumer goes.
    const other = await transport({ claimIdleMs: 300 }, { consumerPruneIdleMs: 300 });
    const seen: number[] = [];
    await other.subscribe({ pattern: "jobs.*", group: "pool", subscriber: "b" }, (e) => void seen.push((e.payload as { n: number }).n));
    await waitFor(() => seen.length === 4, "the four entries reclaimed and handled");
    await waitFor(
      async () => !(await consumers("pool")).some((consumer) => consumer.name === kept[0]?.name),
      "the emptied consumer removed",
    );
    expect(seen.sort()).toEqual([0, 1, 2, 3]);
  });

  it("consumers that dead processes left behind with nothing pending are removed by the group's live members", async () => {
    const t = await transport({ claimIdleMs: 300 }, { consumerPruneIdleMs: 300 });
    const seen: Envelope[] = [];
    await t.subscribe({ pattern: "jobs.*", subscriber: "worker" }, (envelope) => void seen.push(envelope));
    await admin.xgroup("CREATECONSUMER", `${prefix}:events`, "worker", "worker-gone-host-1");
    await t.publish(envelopes("jobs.run", 1));
    await waitFor(() => seen.length === 1, "a delivery");
    await waitFor(
      async () => !(await consumers("worker")).some((consumer) => consumer.name === "worker-gone-host-1"),
      "the dead process's consumer removed",
    );
  });
});
