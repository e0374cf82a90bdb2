import { describe, expect, it } from "vitest";
import { silentLogger } from "../../src/common/logger.js";
import { MessageBus } from "../../src/transports/bus/message-bus.js";
import { createTransport } from "../../src/transports/create-transport.js";
import { MemoryTransport } from "../../src/transports/memory/transport.js";
import type { TransportConfig } from "../../src/transports/transport-config.js";
import { REDIS_URL, redisHostPort, serviceAvailable } from "../helpers/services.js";
import { runPrefix, waitFor } from "../helpers/wait.js";
import { adminClient, deleteKeys } from "./redis/kit.js";

const { host, port } = redisHostPort();
const hasRedis = await serviceAvailable("redis", host, port);

describe("createTransport", () => {
  it("builds the memory transport from its section alone, without a context", async () => {
    expect(await createTransport({ kind: "memory" })).toBeInstanceOf(MemoryTransport);
  });

  it("rejects bad input with a ConfigError naming the key, before loading a backend", async () => {
    await expect(createTransport({ kind: "redis", maxLen: "x" } as unknown as TransportConfig)).rejects.toMatchObject({
      code: "CONFIG_INVALID",
      retryable: false,
      message: 'createTransport: transport.maxLen: expected an integer, got "x"',
    });
  });
});

describe.skipIf(!hasRedis)("createTransport on redis", () => {
  it("connects with kind and url (and this run's prefix), every other key at its schema default", async () => {
    const prefix = runPrefix("create-transport");
    const admin = adminClient();
    const transport = await createTransport({ kind: "redis", url: REDIS_URL, prefix });
    const bus = new MessageBus({ transport, source: "create-transport-test", log: silentLogger() });
    try {
      await bus.start();
      const seen: unknown[] = [];
      await bus.subscribe("orders.created", (envelope) => void seen.push(envelope.payload), { group: "billing" });
      await bus.publish("orders.created", { n: 1 });
      await waitFor(() => seen.length === 1, "the delivery through redis");
      expect(seen).toEqual([{ n: 1 }]);
      // The default layout is `events`: one stream for every topic, read through consumer groups.
      expect(await admin.type(`${prefix}:events`)).toBe("stream");
      const groups = (await admin.xinfo("GROUPS", `${prefix}:events`)) as unknown[][];
      expect(groups.map((fields) => String(fields[fields.indexOf("name") + 1]))).toContain("billing");
    } finally {
      await bus.close();
      await deleteKeys(admin, prefix);
      admin.disconnect();
    }
  });
});
