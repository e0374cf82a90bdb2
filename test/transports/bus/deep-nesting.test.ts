import type { Redis } from "ioredis";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { Publisher } from "zeromq";
import { silentLogger } from "../../../src/common/logger.js";
import { MessageBus } from "../../../src/transports/bus/message-bus.js";
import type { Envelope } from "../../../src/transports/envelope.js";
import { redisHostPort, serviceAvailable } from "../../helpers/services.js";
import { runPrefix, waitFor } from "../../helpers/wait.js";
import { adminClient, deleteKeys, makeTransport, pendingCount, redisConfig } from "../redis/kit.js";
import { openTransport, startProxy, zmqConfig } from "../zmq/kit.js";

const { host, port } = redisHostPort();
const hasRedis = await serviceAvailable("redis", host, port);

/** 100,000 nested arrays: parses (V8's JSON.parse is iterative) but overflows any recursive walk. */
const DEEP = "[".repeat(100_000) + "]".repeat(100_000);
const AFTER = 100;

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/**
 * The guarantee: a foreign message nested beyond `bus.maxDepth` is dead-lettered in a form that
 * can be encoded (its raw text), even when a handler would have failed on it, and the publishes
 * queued after it go out. Before, its dead letter could not be encoded and blocked the outbox.
 */
async function expectDeadLetteredAndNothingBlocked(bus: MessageBus, sendDeep: () => Promise<void>, deepTopic: string): Promise<void> {
  const dead: Envelope[] = [];
  const after: number[] = [];
  let handled = 0;
  await bus.subscribe("_dead.>", (envelope) => void dead.push(envelope), { subscriber: "dead-reader" });
  // A handler that walks its payload the way user code does: it would fail on the deep one.
  await bus.subscribe(
    "x.>",
    (envelope) => {
      handled++;
      JSON.stringify(envelope.payload);
    },
    { subscriber: "x-reader" },
  );
  await bus.subscribe("y.after", (envelope: Envelope<number>) => void after.push(envelope.payload), { subscriber: "y-reader" });
  await waitFor(
    async () => {
      await sendDeep();
      return dead.some((envelope) => envelope.topic === `_dead.${deepTopic}`);
    },
    () => `the deep message's dead letter (outbox ${JSON.stringify(bus.stats().outbox)})`,
    10_000,
    100,
  );
  for (let i = 0; i < AFTER; i++) await bus.publish("y.after", i);
  await waitFor(
    () => after.length === AFTER,
    () => `the ${AFTER} publishes queued after it (got ${after.length}, outbox ${JSON.stringify(bus.stats().outbox)})`,
    10_000,
  );
  const letter = dead.find((envelope) => envelope.topic === `_dead.${deepTopic}`);
  expect(letter?.headers?.reason).toMatch(/nested deeper than 64 levels/);
  expect(handled).toBe(0);
  expect(bus.stats().outbox.depth).toBe(0);
}

describe("a foreign message nested too deep", () => {
  it("zmq: is dead-lettered with its raw text and never blocks the publishes behind it", async () => {
    const { proxy, xsub, xpub } = await startProxy();
    cleanups.push(() => proxy.stop());
    const bus = new MessageBus({ transport: await openTransport(zmqConfig({ xsub, xpub })), source: "deep", log: silentLogger() });
    await bus.start();
    cleanups.push(() => bus.close());
    const foreign = new Publisher({ linger: 0 });
    foreign.connect(xsub);
    cleanups.push(() => foreign.close());
    await expectDeadLetteredAndNothingBlocked(bus, () => foreign.send(["x.deep", DEEP]), "x.deep");
  });

  it("is refused when published over a network transport, before it leaves: PAYLOAD_TOO_DEEP", async () => {
    const { proxy, xsub, xpub } = await startProxy();
    cleanups.push(() => proxy.stop());
    const bus = new MessageBus({
      transport: await openTransport(zmqConfig({ xsub, xpub })),
      source: "deep",
      log: silentLogger(),
      bounds: { maxDepth: 8 },
    });
    await bus.start();
    cleanups.push(() => bus.close());
    const nested = (depth: number) => JSON.parse("[".repeat(depth) + "]".repeat(depth)) as unknown;
    await expect(bus.publish("x.ok", nested(7))).resolves.toMatchObject({ topic: "x.ok" }); // + envelope = 8
    await expect(bus.publish("x.deep", nested(8))).rejects.toMatchObject({ code: "PAYLOAD_TOO_DEEP", retryable: false });
    await expect(bus.publish("x.deep", JSON.parse(DEEP))).rejects.toThrow(/bus\.maxDepth 8/);
    expect(bus.stats().published).toBe(1);
  });

  describe.skipIf(!hasRedis)("redis", () => {
    const prefix = runPrefix("redis-deep");
    const admin: Redis = adminClient();
    afterAll(async () => {
      await deleteKeys(admin, prefix);
      await admin.quit();
    });

    it("is parked in the dead stream, dead-lettered, acked, and never blocks the publishes behind it", async () => {
      const bus = new MessageBus({ transport: makeTransport(redisConfig(prefix)), source: "deep", log: silentLogger() });
      await bus.start();
      cleanups.push(() => bus.close());
      let sent = false;
      await expectDeadLetteredAndNothingBlocked(
        bus,
        async () => {
          if (sent) return;
          sent = true;
          await admin.xadd(`${prefix}:events`, "*", "topic", "x.deep", "data", DEEP);
        },
        "x.deep",
      );
      expect(await admin.xlen(`${prefix}:dead`)).toBe(1);
      await waitFor(async () => (await pendingCount(admin, `${prefix}:events`, "x-reader")) === 0, "the deep entry acked");
    });
  });
});
