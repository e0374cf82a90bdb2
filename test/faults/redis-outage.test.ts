import type { Redis } from "ioredis";
import { afterAll, describe, expect, it } from "vitest";
import { silentLogger } from "../../src/common/logger.js";
import { MessageBus } from "../../src/transports/bus/message-bus.js";
import { createEnvelope, type Envelope } from "../../src/transports/envelope.js";
import type { RedisTransport } from "../../src/transports/redis/transport.js";
import { redisHostPort, serviceAvailable } from "../helpers/services.js";
import { runPrefix, waitFor } from "../helpers/wait.js";
import { adminClient, deleteKeys, makeTransport, pendingCount, redisConfig } from "../transports/redis/kit.js";
import { TcpForwarder } from "./redis-tcp-forwarder.js";

const { host, port } = redisHostPort();
const hasRedis = await serviceAvailable("redis", host, port);

describe.skipIf(!hasRedis)("Redis unreachable (a forwarder between plexus and Redis is cut)", () => {
  const prefix = runPrefix("redis-outage");
  const forwarder = new TcpForwarder(host, port);
  const open: RedisTransport[] = [];
  let admin: Redis | undefined;

  afterAll(async () => {
    await forwarder.cut();
    await Promise.all(open.map((t) => t.close()));
    if (admin) {
      await deleteKeys(admin, prefix);
      await admin.quit();
    }
  });

  it("rejects publishes quickly while cut, reports the connection state, and resumes consuming after", async () => {
    admin = adminClient();
    const forwardPort = await forwarder.start();
    const config = redisConfig(prefix, { url: `redis://127.0.0.1:${forwardPort}` });
    const t = makeTransport(config, { commandTimeoutMs: 1_000, maxReconnectDelayMs: 100 });
    open.push(t);
    const changes: boolean[] = [];
    await t.connect({ onConnectionChange: (connected) => void changes.push(connected) });
    const seen = new Set<string>();
    await t.subscribe({ pattern: "outage.>", subscriber: "outage-reader" }, (e) => void seen.add(e.id));
    const make = (n: number): Envelope[] => Array.from({ length: n }, (_, i) => createEnvelope("outage.tick", { i }, "test"));

    const before = make(20);
    await t.publish(before);
    await waitFor(() => before.every((e) => seen.has(e.id)), "deliveries before the cut");

    await forwarder.cut();
    await waitFor(() => changes.includes(false), "connection loss to be reported");
    expect(t.stats().connected).toBe(false);
    // REDIS_DISCONNECTED is the up-front refusal: nothing was sent, so nothing waited for a reply
    // or a command timeout (a timed-out send would be REDIS_PUBLISH_FAILED).
    await expect(t.publish(make(5))).rejects.toMatchObject({ code: "REDIS_DISCONNECTED" });

    await forwarder.restore();
    await waitFor(() => changes[changes.length - 1] === true, "reconnection to be reported", 5_000);
    expect(changes).toEqual([false, true]);

    // The consumer's own connection comes back too and resumes from its group.
    const after = make(20);
    await waitFor(
      async () => {
        await t.publish(after);
        return true;
      },
      "a publish to succeed after the restore",
      5_000,
      50,
    );
    await waitFor(() => after.every((e) => seen.has(e.id)), "deliveries after the restore", 8_000);
    await waitFor(async () => (await pendingCount(admin as Redis, `${prefix}:events`, "outage-reader")) === 0, "every entry acked", 5_000);
    expect(t.stats().connected).toBe(true);
  }, 30_000);

  it("rejects a publish that Redis does not answer within commandTimeoutMs; the resend is deduplicated", async () => {
    const stallPrefix = `${prefix}-stall`;
    const stallForwarder = new TcpForwarder(host, port);
    const forwardPort = await stallForwarder.start();
    const t = makeTransport(redisConfig(stallPrefix, { url: `redis://127.0.0.1:${forwardPort}` }), { commandTimeoutMs: 300 });
    const reader = makeTransport(redisConfig(stallPrefix));
    open.push(t, reader);
    try {
      await t.connect();
      await reader.connect();
      const runs = new Map<string, number>();
      await reader.subscribe({ pattern: "stall.>", subscriber: "stall-reader" }, (e) => void runs.set(e.id, (runs.get(e.id) ?? 0) + 1));
      const batch = Array.from({ length: 10 }, (_, i) => createEnvelope("stall.tick", { i }, "test"));
      stallForwarder.stall();
      // While stalled nothing answers, so only the command timeout can end this publish: its
      // rejection is the proof (without the timeout it would hang until unstall, which never
      // comes first). No wall-clock threshold, which a loaded machine could miss.
      const stalled = t.publish(batch);
      await expect(stalled).rejects.toMatchObject({ code: "REDIS_PUBLISH_FAILED" });
      await expect(stalled).rejects.toThrow(/timed out after 300 ms/);
      stallForwarder.unstall(); // the stalled XADDs may now reach Redis after all
      await waitFor(
        async () => {
          await t.publish(batch); // what the Bus outbox does: resend the same envelopes
          return true;
        },
        "the resend to succeed",
        5_000,
        50,
      );
      await waitFor(() => batch.every((e) => runs.get(e.id) === 1), "each envelope handled", 5_000);
      await waitFor(
        async () => (await pendingCount(admin as Redis, `${stallPrefix}:events`, "stall-reader")) === 0,
        "duplicates acked",
        5_000,
      );
      expect([...runs.values()].every((n) => n === 1)).toBe(true);
      // The timed-out XADDs did land once the stall ended: 20 entries, 10 of them deduplicated.
      expect(await (admin as Redis).xlen(`${stallPrefix}:events`)).toBe(20);
      await waitFor(() => reader.stats().details.groups["stall-reader"]?.deduped === 10, "10 duplicates deduplicated");
    } finally {
      await stallForwarder.cut();
      await deleteKeys(admin as Redis, stallPrefix);
    }
  }, 20_000);

  it("end to end through the Bus: publishes during the outage wait in the outbox and all arrive, in order", async () => {
    const e2ePrefix = `${prefix}-bus`;
    const busForwarder = new TcpForwarder(host, port);
    const forwardPort = await busForwarder.start();
    const transport = makeTransport(redisConfig(e2ePrefix, { url: `redis://127.0.0.1:${forwardPort}` }), {
      commandTimeoutMs: 1_000,
      maxReconnectDelayMs: 100,
    });
    const bus = new MessageBus({
      transport,
      source: "e2e",
      log: silentLogger(),
      bounds: {
        mailbox: { capacity: 1_000, overflow: "block" },
        outbox: { capacity: 500, overflow: "reject" },
        maxPayloadBytes: 1_000_000,
      },
    });
    try {
      await bus.start();
      const got: number[] = [];
      await bus.subscribe<{ n: number }>("e2e.>", (e) => void got.push(e.payload.n), { subscriber: "e2e-reader" });
      let n = 0;
      for (; n < 50; n++) await bus.publish("e2e.tick", { n });
      await waitFor(() => got.length === 50, "deliveries before the cut");

      await busForwarder.cut();
      await waitFor(() => !transport.stats().connected, "the transport to notice the cut");
      for (; n < 350; n++) await bus.publish("e2e.tick", { n }); // kept in the outbox (capacity 500)
      expect(bus.stats().outbox.depth).toBeGreaterThan(0);

      await busForwarder.restore();
      await waitFor(() => got.length === 350, "every envelope after the restore", 10_000, 20);
      expect(got).toEqual(Array.from({ length: 350 }, (_, i) => i));
      // Consumers can see the replayed entries before the publisher's pipeline reply lands.
      await waitFor(() => bus.stats().outbox.depth === 0, "the outbox to drain", 5_000);
      expect(bus.stats().outbox).toMatchObject({ depth: 0, dropped: 0 });
      await waitFor(
        async () => (await pendingCount(admin as Redis, `${e2ePrefix}:events`, "e2e-reader")) === 0,
        "every entry acked",
        5_000,
      );
    } finally {
      await bus.close();
      await busForwarder.cut();
      await deleteKeys(admin as Redis, e2ePrefix);
    }
  }, 30_000);

  it("rejects connect() with an actionable error when Redis cannot be reached", async () => {
    const unreachable = new TcpForwarder(host, port);
    const deadPort = await unreachable.start();
    await unreachable.cut(); // a port that was just free and is now closed
    const t = makeTransport(redisConfig(prefix, { url: `redis://127.0.0.1:${deadPort}` }));
    await expect(t.connect()).rejects.toThrow(/cannot reach redis:\/\/127\.0\.0\.1:\d+.*start Redis there or fix transport\.url/);
    await t.close();
  });
});
