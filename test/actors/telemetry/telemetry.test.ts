import { mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { silentLogger } from "../../../src/common/logger.js";
import { TELEMETRY_BATCH_HEADER, TELEMETRY_ENCODING_HEADER } from "../../../src/actors/telemetry/batch-codec.js";
import { Spool, type SpooledBatch } from "../../../src/actors/telemetry/spool.js";
import { subscribeTelemetry } from "../../../src/actors/telemetry/subscribe-telemetry.js";
import { Telemetry } from "../../../src/actors/telemetry/telemetry.js";
import { layerTelemetryTopic, seedTelemetryTopic } from "../../../src/actors/telemetry/topics.js";
import type { MessageBus } from "../../../src/transports/bus/message-bus.js";
import type { Envelope } from "../../../src/transports/envelope.js";
import { openBus } from "../../../src/transports/open-bus.js";
import { SimulatedClock } from "../../../src/testing/simulated-clock.js";
import { waitFor } from "../../helpers/wait.js";

const log = silentLogger();

describe("telemetry topics", () => {
  it("builds the layer and seed topics and refuses segments that would change their shape", () => {
    expect(layerTelemetryTopic(3, "health")).toBe("kasmina.telemetry.layer.3.health");
    expect(layerTelemetryTopic("enc", "performance")).toBe("kasmina.telemetry.layer.enc.performance");
    expect(seedTelemetryTopic(3, "s-17")).toBe("kasmina.telemetry.seed.3.s-17.metrics");
    expect(() => seedTelemetryTopic("a.b", 1)).toThrow(/layer "a.b"/);
    expect(() => layerTelemetryTopic("*", "health")).toThrow();
  });
});

describe("Telemetry on the memory bus", () => {
  let bus: MessageBus;
  const envelopes: Envelope[] = [];

  beforeEach(async () => {
    bus = await openBus({ transport: { kind: "memory" } }, { log });
    envelopes.length = 0;
    await bus.subscribe("kasmina.telemetry.>", (envelope) => void envelopes.push(envelope));
  });
  afterEach(async () => {
    await bus.close();
  });

  it("batches by count at once and by time on the clock; consumers see every sample in order", async () => {
    const clock = new SimulatedClock();
    const telemetry = new Telemetry(bus, { clock, log });
    const topic = seedTelemetryTopic(1, 7);
    const samples: unknown[] = [];
    await subscribeTelemetry(bus, "kasmina.telemetry.seed.>", (sample) => void samples.push(sample));
    for (let n = 0; n < 250; n++) telemetry.record(topic, { n, loss: 1 / (n + 1) });
    await waitFor(() => envelopes.length >= 2, "the two full batches");
    expect(envelopes.map((envelope) => envelope.headers?.[TELEMETRY_BATCH_HEADER])).toEqual(["100", "100"]);
    expect(telemetry.stats().open).toBe(50);
    clock.advance(49);
    // Witness: a sample on another topic published and delivered while the 50 still wait.
    await bus.publish("kasmina.telemetry.witness", "w");
    await waitFor(() => envelopes.length >= 3, "the witness");
    expect(envelopes[2]?.topic).toBe("kasmina.telemetry.witness");
    clock.advance(1);
    await waitFor(
      () => samples.length >= 250,
      () => `250 samples, got ${samples.length}`,
    );
    expect(samples).toEqual(Array.from({ length: 250 }, (_, n) => ({ n, loss: 1 / (n + 1) })));
    expect(telemetry.stats()).toMatchObject({ recorded: 250, published: 250, batches: 3, open: 0, spooled: 0, dropped: {} });
    telemetry.close();
  });

  for (const compression of ["gzip", "brotli"] as const) {
    it(`compresses batches above the threshold with ${compression}, named in the headers, and round-trips them`, async () => {
      const telemetry = new Telemetry(bus, { compression, compressAboveBytes: 1_000, maxBatchSamples: 50, log });
      const topic = layerTelemetryTopic(2, "performance");
      const samples: unknown[] = [];
      await subscribeTelemetry(bus, topic, (sample) => void samples.push(sample));
      const expected = Array.from({ length: 100 }, (_, n) => ({
        step: n,
        grads: Array.from({ length: 20 }, (_, i) => i * n),
        tag: "layer-two",
      }));
      for (const sample of expected) telemetry.record(topic, sample);
      telemetry.record("kasmina.telemetry.small", { tiny: true });
      telemetry.flush();
      await waitFor(() => samples.length >= 100 && envelopes.length >= 3, "100 samples and the small batch");
      expect(samples).toEqual(expected);
      const batches = envelopes.filter((envelope) => envelope.topic === topic);
      expect(batches.map((envelope) => envelope.headers?.[TELEMETRY_ENCODING_HEADER])).toEqual(
        compression === "gzip" ? ["gzip", "gzip"] : ["br", "br"],
      );
      expect(typeof batches[0]?.payload).toBe("string");
      const small = envelopes.find((envelope) => envelope.topic === "kasmina.telemetry.small");
      expect(small?.headers?.[TELEMETRY_ENCODING_HEADER]).toBeUndefined();
      expect(small?.payload).toEqual({ samples: [{ tiny: true }] });
      expect(telemetry.stats().compressedBatches).toBe(2);
      telemetry.close();
    });
  }

  it("drops, counted, samples on an invalid topic and beyond maxTopics, and never throws", () => {
    const telemetry = new Telemetry(bus, { maxTopics: 2, log, clock: new SimulatedClock() });
    telemetry.record("a.one", 1);
    telemetry.record("a.two", 2);
    telemetry.record("a.three", 3);
    telemetry.record("bad..topic", 4);
    expect(telemetry.stats().dropped).toEqual({ "too-many-topics": 1, "invalid-topic": 1 });
    telemetry.close();
  });
});

describe("Spool", () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(path.join(tmpdir(), "plexus-spool-"));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  const batch = (n: number): SpooledBatch => ({ topic: "t.x", samples: [n] });
  const drain = (spool: Spool): number[] => {
    const out: number[] = [];
    let next: SpooledBatch | undefined;
    while ((next = spool.shift()) !== undefined) out.push(next.samples[0] as number);
    return out;
  };

  it("holds memory first, then disk, and gives batches back in order; disk batches outlive the spool", async () => {
    const drops: string[] = [];
    const options = {
      memoryBatches: 2,
      dir,
      diskBatches: 3,
      overflow: "drop-oldest" as const,
      onDrop: (b: SpooledBatch, reason: string) => void drops.push(`${reason}:${String(b.samples[0])}`),
    };
    const spool = new Spool(options);
    for (let n = 0; n < 7; n++) spool.push(batch(n));
    expect(drops).toEqual(["drop-oldest:0", "drop-oldest:1"]);
    expect(spool.length).toBe(5);
    expect(spool.onDisk).toBe(3);
    expect((await readdir(dir)).filter((name) => name.endsWith(".batch.json"))).toHaveLength(3);
    // A new process finds the disk tier: those batches come first.
    const again = new Spool(options);
    expect(again.length).toBe(3);
    expect(drain(again)).toEqual([4, 5, 6]);
    expect(await readdir(dir)).toEqual([]);
    expect(spool.shift()?.samples).toEqual([2]);
  });

  it("drop-newest keeps the oldest batches", () => {
    const drops: number[] = [];
    const spool = new Spool({
      memoryBatches: 2,
      dir,
      diskBatches: 1,
      overflow: "drop-newest",
      onDrop: (b) => void drops.push(b.samples[0] as number),
    });
    for (let n = 0; n < 6; n++) spool.push(batch(n));
    expect(drops).toEqual([3, 4, 5]);
    expect(drain(spool)).toEqual([0, 1, 2]);
  });

  it("without a directory holds memory only", () => {
    const drops: number[] = [];
    const spool = new Spool({
      memoryBatches: 3,
      diskBatches: 100,
      overflow: "drop-oldest",
      onDrop: (b) => void drops.push(b.samples[0] as number),
    });
    for (let n = 0; n < 5; n++) spool.push(batch(n));
    expect(drops).toEqual([0, 1]);
    expect(drain(spool)).toEqual([2, 3, 4]);
  });
});
