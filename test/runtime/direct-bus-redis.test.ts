import type { Redis } from "ioredis";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { loadConfig } from "../../src/runtime/config/load-config.js";
import type { ResolvedConfig } from "../../src/runtime/config/plexus-config.js";
import { silentLogger } from "../../src/common/logger.js";
import type { Envelope } from "../../src/transports/envelope.js";
import { openDirectBus, type DirectBus } from "../../src/runtime/direct-bus.js";
import { REDIS_URL, redisHostPort, serviceAvailable } from "../helpers/services.js";
import { runPrefix, waitFor } from "../helpers/wait.js";
import { adminClient, deleteKeys } from "../transports/redis/kit.js";

const { host, port } = redisHostPort();
const hasRedis = await serviceAvailable("redis", host, port);
const log = silentLogger();

/** Names of the consumer groups on `stream`. */
async function groupNames(admin: Redis, stream: string): Promise<string[]> {
  const groups = (await admin.xinfo("GROUPS", stream)) as unknown[][];
  return groups.map((fields) => String(fields[fields.indexOf("name") + 1]));
}

describe("openDirectBus on the memory transport", () => {
  it("refuses, pointing at the ops server of the runtime that hosts the bus", async () => {
    const config = await loadConfig(
      { runtime: { ops: { port: 8123 } }, transport: { kind: "memory" }, children: [] },
      { kinds: new Map() },
    );
    const attempt = openDirectBus(config, { log });
    await expect(attempt).rejects.toMatchObject({ code: "DIRECT_MEMORY_TRANSPORT", retryable: false });
    await expect(attempt).rejects.toThrow(/in-process.*--url http:\/\/127\.0\.0\.1:8123/);
  });
});

describe.skipIf(!hasRedis)("openDirectBus on redis: two direct clients", () => {
  let admin: Redis;
  let prefix: string;
  let config: ResolvedConfig;
  let contractsDir: string;
  const clients: DirectBus[] = [];

  const open = async (name: string): Promise<DirectBus> => {
    const client = await openDirectBus(config, { log, name });
    clients.push(client);
    return client;
  };

  beforeAll(() => {
    admin = adminClient();
  });

  afterAll(() => {
    admin.disconnect();
  });

  beforeEach(async () => {
    prefix = runPrefix("direct");
    contractsDir = await mkdtemp(path.join(tmpdir(), "plexus-direct-contracts-"));
    const schema = {
      $schema: "https://json-schema.org/draft/2020-12/schema",
      "x-topic": "cli.orders.*",
      type: "object",
      required: ["qty"],
    };
    await writeFile(path.join(contractsDir, "orders.json"), JSON.stringify(schema));
    config = await loadConfig(
      {
        runtime: { name: "direct-test", ops: { enabled: false } },
        transport: { kind: "redis", url: REDIS_URL, prefix, blockMs: "200ms", claimIdleMs: "1s" },
        contracts: { dir: contractsDir, mode: "enforce" },
        children: [],
      },
      { kinds: new Map() },
    );
  });

  afterEach(async () => {
    await Promise.all(clients.splice(0).map((client) => client.close()));
    await deleteKeys(admin, prefix);
    await rm(contractsDir, { recursive: true, force: true });
  });

  it("publishes from one client and delivers to a subscription of the other (plexus pub → plexus sub)", async () => {
    const sub = await open("plexus-sub");
    const pub = await open("plexus-pub");
    const received: Envelope[] = [];
    await sub.bus.subscribe("cli.events.*", (envelope) => void received.push(envelope));
    const sent = await pub.bus.publish("cli.events.created", { n: 1 });
    await pub.bus.publish("cli.other.created", { n: 2 });
    await pub.bus.publish("cli.events.updated", { n: 3 });
    await waitFor(() => received.length >= 2, "both matching messages");
    expect(received.map((envelope) => [envelope.topic, envelope.payload])).toEqual([
      ["cli.events.created", { n: 1 }],
      ["cli.events.updated", { n: 3 }],
    ]);
    expect(received[0]).toMatchObject({ id: sent.id, source: "plexus-pub" });
  });

  it("shares a --group across two clients (each message once), and keeps that group after close", async () => {
    const first = await open("sub-1");
    const second = await open("sub-2");
    const pub = await open("pub");
    const seen: number[] = [];
    const record = (envelope: Envelope) => void seen.push((envelope.payload as { seq: number }).seq);
    await first.bus.subscribe("cli.jobs", record, { group: "workers" });
    await second.bus.subscribe("cli.jobs", record, { group: "workers" });
    for (let seq = 0; seq < 40; seq++) await pub.bus.publish("cli.jobs", { seq });
    await waitFor(() => seen.length >= 40, "40 jobs across the group");
    expect([...seen].sort((a, b) => a - b)).toEqual(Array.from({ length: 40 }, (_, seq) => seq));
    await first.close();
    await second.close();
    expect(await groupNames(admin, `${prefix}:events`)).toContain("workers");
  });

  it("removes the throwaway consumer group of a subscription without --group when the client closes", async () => {
    const sub = await open("plexus-sub");
    const received: Envelope[] = [];
    const kept = await sub.bus.subscribe("cli.a", (envelope) => void received.push(envelope));
    await sub.bus.subscribe("cli.b", (envelope) => void received.push(envelope));
    expect(await groupNames(admin, `${prefix}:events`)).toHaveLength(2);
    await kept.unsubscribe();
    await sub.close();
    await sub.close(); // idempotent
    expect(await groupNames(admin, `${prefix}:events`)).toEqual([]);
  });

  it("applies the config's contracts to publishes (enforce mode)", async () => {
    const pub = await open("pub");
    await expect(pub.bus.publish("cli.orders.created", { amount: 1 })).rejects.toMatchObject({ code: "CONTRACT_VIOLATION" });
    await expect(pub.bus.publish("cli.orders.created", { qty: 1 })).resolves.toMatchObject({ topic: "cli.orders.created" });
  });
});
