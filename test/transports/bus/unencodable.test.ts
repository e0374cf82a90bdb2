import type { Redis } from "ioredis";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { silentLogger } from "../../../src/common/logger.js";
import { MessageBus } from "../../../src/transports/bus/message-bus.js";
import { createEnvelope, type Envelope } from "../../../src/transports/envelope.js";
import type { Transport } from "../../../src/transports/transport.js";
import { redisHostPort, serviceAvailable } from "../../helpers/services.js";
import { runPrefix, waitFor } from "../../helpers/wait.js";
import { adminClient, deleteKeys, makeTransport, redisConfig } from "../redis/kit.js";
import { openTransport, startProxy, zmqConfig } from "../zmq/kit.js";

const { host, port } = redisHostPort();
const hasRedis = await serviceAvailable("redis", host, port);

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

let redisPrefix: string | undefined;
let admin: Redis | undefined;
afterAll(async () => {
  if (admin === undefined || redisPrefix === undefined) return;
  await deleteKeys(admin, redisPrefix);
  await admin.quit();
});

const transports: Array<[string, boolean, () => Promise<Transport>]> = [
  [
    "zmq",
    true,
    async () => {
      const { proxy, xsub, xpub } = await startProxy();
      cleanups.push(() => proxy.stop());
      return openTransport(zmqConfig({ xsub, xpub }));
    },
  ],
  [
    "redis",
    hasRedis,
    async () => {
      redisPrefix ??= runPrefix("unencodable");
      admin ??= adminClient();
      return makeTransport(redisConfig(redisPrefix));
    },
  ],
];

describe.each(transports)("a message that cannot be encoded (%s)", (_name, available, make) => {
  it.skipIf(!available)("is left out of its batch and reported as a dead letter; the envelopes around it are sent", async () => {
    const transport = await make();
    const dead: Array<{ topic: string; reason: string; raw: unknown }> = [];
    await transport.connect({ onDeadLetter: (topic, reason, raw) => void dead.push({ topic, reason, raw }) });
    cleanups.push(() => transport.close());
    const received: Envelope[] = [];
    await transport.subscribe({ pattern: "enc.>", subscriber: "enc-reader" }, (envelope) => void received.push(envelope));
    const cyclic: Record<string, unknown> = { name: "loop" };
    cyclic.self = cyclic;
    const batch = [createEnvelope("enc.a", 1, "t"), createEnvelope("enc.bad", cyclic, "t"), createEnvelope("enc.b", 2, "t")];
    await transport.publish(batch);
    await waitFor(
      () => received.length === 2,
      () => `the two encodable envelopes (got ${received.length})`,
    );
    expect(received.map((envelope) => envelope.topic)).toEqual(["enc.a", "enc.b"]);
    expect(dead).toHaveLength(1);
    expect(dead[0]).toMatchObject({ topic: "enc.bad", raw: { id: batch[1]!.id, topic: "enc.bad", source: "t" } });
    expect(dead[0]!.reason).toMatch(/cannot be encoded as JSON/);
    expect(JSON.stringify(dead[0]!.raw)).not.toContain("loop"); // the safe form leaves the payload out
  });

  it.skipIf(!available)("a reply that cannot be encoded never blocks the publishes queued behind it", async () => {
    const bus = new MessageBus({ transport: await make(), source: "replier", log: silentLogger(), requestTimeoutMs: 1_000 });
    await bus.start();
    cleanups.push(() => bus.close());
    const dead: Envelope[] = [];
    const after: number[] = [];
    await bus.subscribe("_dead.>", (envelope) => void dead.push(envelope), { subscriber: "dead-reader" });
    await bus.subscribe("math.big", () => 10n ** 20n, { subscriber: "big" }); // BigInt: JSON cannot encode it
    await bus.subscribe("y.after", (envelope: Envelope<number>) => void after.push(envelope.payload), { subscriber: "after" });
    await expect(bus.request("math.big", 1)).rejects.toMatchObject({ code: "REQUEST_TIMEOUT" });
    for (let i = 0; i < 50; i++) await bus.publish("y.after", i);
    await waitFor(
      () => after.length === 50,
      () => `the publishes after it (got ${after.length}, outbox ${JSON.stringify(bus.stats().outbox)})`,
    );
    await waitFor(() => dead.some((envelope) => /cannot be encoded/.test(envelope.headers?.reason ?? "")), "the reply's dead letter");
    expect(bus.stats().outbox.depth).toBe(0);
  });
});
