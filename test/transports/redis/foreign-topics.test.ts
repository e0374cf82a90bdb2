import type { Redis } from "ioredis";
import { afterAll, describe, expect, it } from "vitest";
import { silentLogger } from "../../../src/common/logger.js";
import { MessageBus } from "../../../src/transports/bus/message-bus.js";
import { createEnvelope, type Envelope } from "../../../src/transports/envelope.js";
import { redisHostPort, serviceAvailable } from "../../helpers/services.js";
import { runPrefix, waitFor } from "../../helpers/wait.js";
import { adminClient, deleteKeys, makeTransport, pendingCount, redisConfig } from "./kit.js";

const { host, port } = redisHostPort();
const hasRedis = await serviceAvailable("redis", host, port);

describe.skipIf(!hasRedis)("redis entries from other writers are delivered by their topic only", () => {
  const prefix = runPrefix("redis-foreign-topics");
  const admin: Redis = adminClient();
  const open: MessageBus[] = [];

  afterAll(async () => {
    await Promise.all(open.map((bus) => bus.close()));
    await deleteKeys(admin, prefix);
    await admin.quit();
  });

  it("dead-letters entries whose topic is invalid or disagrees with their envelope's, with the reason", async () => {
    const bus = new MessageBus({ transport: makeTransport(redisConfig(prefix)), source: "reader", log: silentLogger() });
    open.push(bus);
    await bus.start();
    const delivered: Envelope[] = [];
    const dead: Envelope[] = [];
    await bus.subscribe("x.>", (envelope) => void delivered.push(envelope), { subscriber: "x-reader" });
    await bus.subscribe("_dead.>", (envelope) => void dead.push(envelope), { subscriber: "dead-reader" });
    const stream = `${prefix}:events`;
    // The envelope field claims another topic than the entry's topic field.
    await admin.xadd(stream, "*", "topic", "x.a", "envelope", JSON.stringify(createEnvelope("y.other", { forged: true }, "writer")));
    await admin.xadd(stream, "*", "topic", "x..bad", "data", '{"v": 1}');
    await admin.xadd(stream, "*", "topic", Buffer.from([0x78, 0x2e, 0xff, 0xfe]), "data", '{"v": 2}'); // "x." + invalid UTF-8
    // No topic field at all: the envelope's own topic decides, and it is not under x.
    await admin.xadd(stream, "*", "envelope", JSON.stringify(createEnvelope("z.other", { stray: true }, "writer")));
    await admin.xadd(stream, "*", "topic", "x.ok", "data", '{"witness": true}');

    await waitFor(() => delivered.some((envelope) => envelope.topic === "x.ok"), "the witness");
    await waitFor(
      () => dead.length >= 3,
      () => `three dead letters (delivered topics: ${delivered.map((e) => e.topic).join(", ")}; dead: ${dead.length})`,
    );
    expect(delivered.map((envelope) => envelope.topic)).toEqual(["x.ok"]);
    const mismatch = dead.find((envelope) => envelope.topic === "_dead.x.a");
    expect(mismatch?.headers?.reason).toMatch(/own topic "y\.other" differs from its entry topic "x\.a"/);
    const invalid = dead.filter((envelope) => envelope.topic === "_dead._invalid-topic");
    expect(invalid.map((envelope) => envelope.headers?.topic).sort()).toEqual(["x..bad", "x.\uFFFD\uFFFD"]);
    expect(invalid.find((envelope) => envelope.headers?.topic === "x..bad")?.headers?.reason).toMatch(/segment 2 is empty/);
    expect(invalid.find((envelope) => envelope.headers?.topic !== "x..bad")?.headers?.reason).toMatch(/not valid UTF-8/);
    // Parked whole in the dead stream, and acked where they were read.
    expect(await admin.xlen(`${prefix}:dead`)).toBe(3);
    await waitFor(async () => (await pendingCount(admin, stream, "x-reader")) === 0, "every entry acked by x-reader");
  });
});
