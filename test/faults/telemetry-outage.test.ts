import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { silentLogger } from "../../src/common/logger.js";
import { subscribeTelemetry } from "../../src/actors/telemetry/subscribe-telemetry.js";
import { Telemetry } from "../../src/actors/telemetry/telemetry.js";
import type { MessageBus } from "../../src/transports/bus/message-bus.js";
import { openBus } from "../../src/transports/open-bus.js";
import { redisHostPort, REDIS_URL, serviceAvailable } from "../helpers/services.js";
import { runPrefix, waitFor } from "../helpers/wait.js";
import { adminClient, deleteKeys } from "../transports/redis/kit.js";
import { TcpForwarder } from "./redis-tcp-forwarder.js";

const { host, port } = redisHostPort();
const hasRedis = await serviceAvailable("redis", host, port);
const log = silentLogger();

describe.skipIf(!hasRedis)("telemetry while Redis is unreachable (a forwarder is cut)", () => {
  const prefix = runPrefix("telemetry-outage");
  const forwarder = new TcpForwarder(host, port);
  const buses: MessageBus[] = [];
  let spoolDir: string | undefined;

  afterAll(async () => {
    await forwarder.cut();
    await Promise.all(buses.map((bus) => bus.close()));
    const admin = adminClient();
    await deleteKeys(admin, prefix);
    await admin.quit();
    if (spoolDir) await rm(spoolDir, { recursive: true, force: true });
  });

  it("spools to memory then disk, replays in order after the restore, and counts what the bound dropped", async () => {
    spoolDir = await mkdtemp(path.join(tmpdir(), "plexus-telemetry-spool-"));
    const forwardPort = await forwarder.start();
    const transport = { kind: "redis" as const, prefix, claimIdleMs: "300ms" as const, blockMs: "200ms" as const };
    const producerBus = await openBus(
      { transport: { ...transport, url: `redis://127.0.0.1:${forwardPort}` } },
      { source: "producer", log },
    );
    buses.push(producerBus);
    const consumerBus = await openBus({ transport: { ...transport, url: REDIS_URL } }, { source: "consumer", log });
    buses.push(consumerBus);
    const seen: number[] = [];
    await subscribeTelemetry<{ n: number }>(consumerBus, "kasmina.telemetry.>", (sample) => void seen.push(sample.n));
    // Batches of 10; the spool holds 3 in memory and 4 on disk: 7 batches, 70 samples.
    const telemetry = new Telemetry(producerBus, {
      maxBatchSamples: 10,
      spool: { memoryBatches: 3, dir: spoolDir, diskBatches: 4, overflow: "drop-oldest", retryMs: 20 },
      log,
    });
    const topic = "kasmina.telemetry.layer.1.health";
    for (let n = 0; n < 10; n++) telemetry.record(topic, { n });
    await waitFor(() => seen.length >= 10, "the samples before the cut", 10_000);

    await forwarder.cut();
    await waitFor(() => !producerBus.stats().transport.connected, "the producer's bus to see the outage", 10_000);
    const started = process.hrtime.bigint();
    for (let n = 10; n < 110; n++) telemetry.record(topic, { n });
    const elapsedMs = Number(process.hrtime.bigint() - started) / 1e6;
    expect(elapsedMs).toBeLessThan(1_000); // 100 calls that never waited on the dead transport
    await waitFor(
      () => telemetry.stats().spooled === 7,
      () => `7 batches spooled, stats ${JSON.stringify(telemetry.stats())}`,
    );
    expect(telemetry.stats()).toMatchObject({ spooledOnDisk: 4, dropped: { "drop-oldest": 30 } });

    await forwarder.restore();
    await waitFor(
      () => seen.length >= 80,
      () => `80 samples after the restore, got ${seen.length}`,
      15_000,
    );
    // A witness after the replay: nothing more of the outage is still coming.
    telemetry.record(topic, { n: 1_000 });
    telemetry.flush();
    await waitFor(() => seen.includes(1_000), "the witness", 10_000);
    expect(seen).toEqual([...Array.from({ length: 10 }, (_, n) => n), ...Array.from({ length: 70 }, (_, n) => n + 40), 1_000]);
    expect(telemetry.stats()).toMatchObject({ recorded: 111, published: 81, spooled: 0, dropped: { "drop-oldest": 30 } });
    telemetry.close();
  }, 60_000);
});
