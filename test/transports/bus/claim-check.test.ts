import { createHash, randomBytes } from "node:crypto";
import { mkdtemp, readdir, rm, utimes, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { Redis } from "ioredis";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createLogger, silentLogger } from "../../../src/common/logger.js";
import type { BusConfig } from "../../../src/transports/bus/bus-config.js";
import type { BlobStore } from "../../../src/transports/bus/claim-check/blob-store.js";
import { FileBlobStore } from "../../../src/transports/bus/claim-check/file-blob-store.js";
import { MessageBus } from "../../../src/transports/bus/message-bus.js";
import { MemoryTransport } from "../../../src/transports/memory/transport.js";
import type { Envelope } from "../../../src/transports/envelope.js";
import { openBus, type OpenBusConfig } from "../../../src/transports/open-bus.js";
import type { TransportConfig } from "../../../src/transports/transport-config.js";
import { startTestProxy, type TestProxy } from "../../conformance/zmq-proxy-kit.js";
import { REDIS_URL, redisHostPort, serviceAvailable } from "../../helpers/services.js";
import { runPrefix, waitFor } from "../../helpers/wait.js";

const log = process.env.CLAIM_DEBUG === "1" ? createLogger({ level: "warn", pretty: false }) : silentLogger();
const FIVE_MB = 5 * 1024 * 1024;
const claimBus: BusConfig = { claimCheck: { enabled: true } };

/** A 5 MB JSON payload: an object with a long string and some structure. */
function bigPayload(): { label: string; rows: number[]; blob: string } {
  return { label: "big", rows: [1, 2, 3], blob: randomBytes(FIVE_MB / 2).toString("hex") };
}

function sha(value: unknown): string {
  return createHash("sha256").update(JSON.stringify(value)).digest("hex");
}

/** Opens a publisher bus and a subscriber bus on `transport`, sharing one state directory. */
async function openPair(transport: TransportConfig, stateDir: string, bus: BusConfig = claimBus): Promise<[MessageBus, MessageBus]> {
  const config: OpenBusConfig = { transport, bus };
  const subscriber = await openBus(config, { source: "claim-sub", log, stateDir });
  const publisher = transport.kind === "memory" ? subscriber : await openBus(config, { source: "claim-pub", log, stateDir });
  return [publisher, subscriber];
}

/** The 5 MB round trip every transport must pass: payload back intact, order kept, small reference on the wire. */
async function roundTrip(publisher: MessageBus, subscriber: MessageBus, topicBase: string): Promise<void> {
  const received: Envelope[] = [];
  const dead: Envelope[] = [];
  await subscriber.subscribe(`${topicBase}.>`, (envelope) => void received.push(envelope));
  await subscriber.subscribe(`_dead.${topicBase}.>`, (envelope) => void dead.push(envelope));
  const big = bigPayload();
  const bytes = Buffer.from(randomBytes(FIVE_MB));
  await publisher.publish(`${topicBase}.small`, { n: 1 });
  await publisher.publish(`${topicBase}.big`, big);
  await publisher.publish(`${topicBase}.bytes`, bytes);
  await publisher.publish(`${topicBase}.small`, { n: 2 });
  await waitFor(
    () => received.length >= 4,
    () => `4 deliveries, got ${received.length} (dead letters ${dead.length})`,
    30_000,
  );
  const topics = received.map((envelope) => envelope.topic);
  expect(topics, JSON.stringify({ topics, claim: subscriber.stats().claimCheck, transport: subscriber.stats().transport })).toEqual([
    `${topicBase}.small`,
    `${topicBase}.big`,
    `${topicBase}.bytes`,
    `${topicBase}.small`,
  ]);
  expect(sha(received[1]?.payload)).toBe(sha(big));
  const restored = received[2]?.payload as Buffer;
  expect(Buffer.isBuffer(restored)).toBe(true);
  expect(restored.equals(bytes)).toBe(true);
  expect(received[1]?.headers?.["claim-check"]).toBeUndefined();
  expect(received[3]?.payload).toEqual({ n: 2 });
  expect(dead).toEqual([]);
  expect(publisher.stats().claimCheck?.stored).toBe(2);
  expect(subscriber.stats().claimCheck?.restored).toBe(2);
}

describe("claim-check on the memory transport", () => {
  let stateDir: string;
  let bus: MessageBus | undefined;

  beforeEach(async () => {
    stateDir = await mkdtemp(path.join(tmpdir(), "plexus-claim-"));
  });
  afterEach(async () => {
    await bus?.close();
    bus = undefined;
    await rm(stateDir, { recursive: true, force: true });
  });

  it("carries a 5 MB object (forced), a 5 MB Buffer and small messages around it, in order", async () => {
    [bus] = await openPair({ kind: "memory" }, stateDir);
    const received: Envelope[] = [];
    await bus.subscribe("mem.>", (envelope) => void received.push(envelope));
    const big = bigPayload();
    const text = "x".repeat(FIVE_MB);
    await bus.publish("mem.a", { n: 1 });
    await bus.publish("mem.big", big, { claimCheck: true });
    await bus.publish("mem.text", text);
    await bus.publish("mem.a", { n: 2 });
    await waitFor(() => received.length >= 4, "four deliveries");
    expect(received.map((envelope) => envelope.topic)).toEqual(["mem.a", "mem.big", "mem.text", "mem.a"]);
    expect(sha(received[1]?.payload)).toBe(sha(big));
    expect(received[2]?.payload).toBe(text);
    expect(bus.stats().claimCheck).toMatchObject({ stored: 2, restored: 2, missing: 0, corrupt: 0 });
    // The blobs are files under the state directory.
    expect((await readdir(path.join(stateDir, "blobs"))).filter((name) => name.endsWith(".blob"))).toHaveLength(2);
  });

  /** A bus whose subscribers read blobs only once `release` is called, so a test can alter the store first. */
  async function gatedBus(): Promise<{ bus: MessageBus; release: () => void; blob: (id: string) => string }> {
    const store = new FileBlobStore({ dir: path.join(stateDir, "blobs"), ttlMs: 60_000 });
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const gated: BlobStore = {
      kind: store.kind,
      put: (ref, body) => store.put(ref, body),
      get: async (ref) => {
        await gate;
        return store.get(ref);
      },
      delete: (ref) => store.delete(ref),
      close: () => store.close(),
    };
    const opened = new MessageBus({ transport: new MemoryTransport(), bounds: claimBus, blobStore: gated, log });
    await opened.start();
    return { bus: opened, release, blob: (id) => path.join(stateDir, "blobs", `${id}.blob`) };
  }

  it("dead-letters a message whose blob is missing, with the reason, and goes on in order", async () => {
    const gated = await gatedBus();
    bus = gated.bus;
    const received: Envelope[] = [];
    const dead: Envelope[] = [];
    await bus.subscribe("gone.>", (envelope) => void received.push(envelope));
    await bus.subscribe("_dead.gone.>", (envelope) => void dead.push(envelope));
    const sent = await bus.publish("gone.big", "y".repeat(300_000));
    await rm(gated.blob(sent.id));
    await bus.publish("gone.after", "witness");
    gated.release();
    await waitFor(() => dead.length >= 1 && received.length >= 1, "the dead letter and the witness");
    expect(received.map((envelope) => envelope.topic)).toEqual(["gone.after"]);
    expect(dead[0]?.headers).toMatchObject({ reason: "claim-check-missing", originalId: sent.id });
    expect(dead[0]?.headers?.error).toContain(sent.id);
    expect((dead[0]?.payload as Envelope).payload).toMatchObject({ ref: sent.id, contentType: "application/json" });
    expect(bus.stats().claimCheck?.missing).toBe(1);
  });

  it("dead-letters a message whose blob was altered (same size other bytes, or shorter)", async () => {
    const gated = await gatedBus();
    bus = gated.bus;
    const dead: Envelope[] = [];
    const received: Envelope[] = [];
    await bus.subscribe("bad.>", (envelope) => void received.push(envelope));
    await bus.subscribe("_dead.bad.>", (envelope) => void dead.push(envelope));
    const sameSize = await bus.publish("bad.big", "z".repeat(300_000));
    const shorter = await bus.publish("bad.big", "z".repeat(300_000));
    await writeFile(gated.blob(sameSize.id), JSON.stringify("q".repeat(300_000)));
    await writeFile(gated.blob(shorter.id), "{}");
    await bus.publish("bad.after", "witness");
    gated.release();
    await waitFor(() => dead.length >= 2 && received.length >= 1, "two dead letters and the witness");
    expect(dead.map((envelope) => envelope.headers?.reason)).toEqual(["claim-check-corrupt", "claim-check-corrupt"]);
    expect(dead.map((envelope) => envelope.headers?.originalId)).toEqual([sameSize.id, shorter.id]);
    expect(received.map((envelope) => envelope.topic)).toEqual(["bad.after"]);
    expect(bus.stats().claimCheck?.corrupt).toBe(2);
  });

  it("caps the payload at maxBlobBytes and the reference at maxPayloadBytes", async () => {
    [bus] = await openPair({ kind: "memory" }, stateDir, {
      maxPayloadBytes: 1_000_000,
      claimCheck: { enabled: true, maxBlobBytes: 2_000_000 },
    });
    await expect(bus.publish("cap.x", Buffer.alloc(1_500_000))).resolves.toBeDefined();
    await expect(bus.publish("cap.x", Buffer.alloc(2_500_000))).rejects.toMatchObject({
      code: "PAYLOAD_TOO_LARGE",
      message: /claimCheck\.maxBlobBytes/,
    });
  });

  it("refuses more than maxPending stores at once (CLAIM_CHECK_BUSY), counted", async () => {
    [bus] = await openPair({ kind: "memory" }, stateDir, { claimCheck: { enabled: true, maxPending: 2 } });
    const first = bus.publish("busy.x", Buffer.alloc(300_000));
    const second = bus.publish("busy.x", Buffer.alloc(300_000));
    await expect(bus.publish("busy.x", Buffer.alloc(300_000))).rejects.toMatchObject({ code: "CLAIM_CHECK_BUSY" });
    await Promise.all([first, second]);
    await expect(bus.publish("busy.x", Buffer.alloc(300_000))).resolves.toBeDefined();
    expect(bus.stats().claimCheck?.refused).toBe(1);
  });

  it("leaves payloads alone when claim-check is off (the default): the size cap refuses them", async () => {
    [bus] = await openPair({ kind: "memory" }, stateDir, {});
    await expect(bus.publish("off.x", Buffer.alloc(5_000_000))).rejects.toMatchObject({ code: "PAYLOAD_TOO_LARGE" });
    expect(bus.stats().claimCheck).toBeUndefined();
  });
});

describe("FileBlobStore sweep", () => {
  it("removes expired blobs and crash leftovers, a bounded number of files per sweep", async () => {
    const dir = await mkdtemp(path.join(tmpdir(), "plexus-blobs-"));
    let now = Date.now();
    const store = new FileBlobStore({ dir, ttlMs: 60_000, sweepBatch: 3, now: () => now });
    try {
      for (let n = 0; n < 5; n++) await store.put(`blob-${n}`, Buffer.from(`body ${n}`));
      await writeFile(path.join(dir, "blob-9.blob.abcd.tmp"), "half");
      const old = new Date(now - 120_000);
      for (const name of ["blob-0.blob", "blob-1.blob", "blob-9.blob.abcd.tmp"]) await utimes(path.join(dir, name), old, old);
      const first = await store.sweep();
      const second = await store.sweep();
      expect(first).toBeLessThanOrEqual(3);
      expect(first + second).toBe(3);
      expect((await readdir(dir)).sort()).toEqual(["blob-2.blob", "blob-3.blob", "blob-4.blob"]);
      now += 120_000;
      await store.sweep();
      await store.sweep();
      expect(await readdir(dir)).toEqual([]);
      expect(store.swept).toBe(6);
      expect(await store.get("blob-2")).toBeUndefined();
      await expect(store.get("../etc/passwd")).rejects.toThrow(/not a valid blob name/);
    } finally {
      await store.close();
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe("claim-check over zmq (proxy on ephemeral ports, file store shared)", () => {
  let proxy: TestProxy;
  let stateDir: string;
  const buses: MessageBus[] = [];

  beforeEach(async () => {
    proxy = await startTestProxy();
    stateDir = await mkdtemp(path.join(tmpdir(), "plexus-claim-zmq-"));
  });
  afterEach(async () => {
    await Promise.all(buses.splice(0).map((bus) => bus.close()));
    await proxy.stop();
    await rm(stateDir, { recursive: true, force: true });
  });

  it("delivers a 5 MB object and a 5 MB Buffer between two buses, small messages in order around them", async () => {
    const pair = await openPair({ kind: "zmq", xsub: proxy.xsub, xpub: proxy.xpub }, stateDir);
    buses.push(...pair);
    await roundTrip(pair[0], pair[1], "zmqcc");
  }, 60_000);
});

const { host, port } = redisHostPort();
const hasRedis = await serviceAvailable("redis", host, port);

describe.skipIf(!hasRedis)("claim-check over redis (blobs as keys with a TTL)", () => {
  let admin: Redis;
  let prefix: string;
  let stateDir: string;
  const buses: MessageBus[] = [];

  beforeAll(() => {
    admin = new Redis(REDIS_URL, { maxRetriesPerRequest: 1 });
  });
  afterAll(async () => {
    await admin.quit();
  });
  beforeEach(async () => {
    prefix = runPrefix("claim");
    stateDir = await mkdtemp(path.join(tmpdir(), "plexus-claim-redis-"));
  });
  afterEach(async () => {
    await Promise.all(buses.splice(0).map((bus) => bus.close()));
    let cursor = "0";
    do {
      const [next, keys] = await admin.scan(cursor, "MATCH", `${prefix}*`, "COUNT", 1_000);
      cursor = next;
      if (keys.length > 0) await admin.del(...keys);
    } while (cursor !== "0");
    await rm(stateDir, { recursive: true, force: true });
  });

  const transport = (): TransportConfig => ({ kind: "redis", url: REDIS_URL, prefix, claimIdleMs: "300ms", blockMs: "200ms" });

  it("delivers a 5 MB object and a 5 MB Buffer; the blobs are keys that expire", async () => {
    const pair = await openPair(transport(), stateDir);
    buses.push(...pair);
    await roundTrip(pair[0], pair[1], "rediscc");
    const keys: string[] = [];
    let cursor = "0";
    do {
      const [next, found] = await admin.scan(cursor, "MATCH", `${prefix}:blob:*`, "COUNT", 1_000);
      cursor = next;
      keys.push(...found);
    } while (cursor !== "0");
    expect(keys).toHaveLength(2);
    for (const key of keys) expect(await admin.pttl(key)).toBeGreaterThan(23 * 3600_000);
  }, 60_000);

  it("dead-letters a message whose blob is not in the subscriber's store (publisher stored it in a directory)", async () => {
    const subscriber = await openBus({ transport: transport(), bus: claimBus }, { source: "claim-sub", log, stateDir });
    buses.push(subscriber);
    const publisher = await openBus(
      { transport: transport(), bus: { claimCheck: { enabled: true, store: "file" } } },
      { source: "claim-pub", log, stateDir },
    );
    buses.push(publisher);
    const received: Envelope[] = [];
    const dead: Envelope[] = [];
    await subscriber.subscribe("rgone.>", (envelope) => void received.push(envelope));
    await subscriber.subscribe("_dead.rgone.>", (envelope) => void dead.push(envelope));
    const sent = await publisher.publish("rgone.big", Buffer.alloc(300_000, 7));
    await publisher.publish("rgone.after", "witness");
    await waitFor(() => dead.length >= 1 && received.length >= 1, "the dead letter and the witness", 10_000);
    expect(received.map((envelope) => envelope.topic)).toEqual(["rgone.after"]);
    expect(dead[0]?.headers).toMatchObject({ reason: "claim-check-missing", originalId: sent.id });
  }, 30_000);

  it("refuses a blob TTL that does not outlive the stream's redelivery window", async () => {
    await expect(
      openBus(
        { transport: { kind: "redis", url: REDIS_URL, prefix, claimIdleMs: "30s" }, bus: { claimCheck: { enabled: true, ttl: "1m" } } },
        { log, stateDir },
      ),
    ).rejects.toMatchObject({ code: "CONFIG_INVALID", message: /bus\.claimCheck\.ttl/ });
  });
});

describe("claim-check config", () => {
  it("refuses the redis store on another transport", async () => {
    await expect(
      openBus({ transport: { kind: "memory" }, bus: { claimCheck: { enabled: true, store: "redis" } } }, { log }),
    ).rejects.toMatchObject({
      code: "CONFIG_INVALID",
      message: /bus\.claimCheck\.store/,
    });
  });
});
