/**
 * Telemetry over the memory bus: the same samples through `telemetry.record()` (batched, 100
 * samples / 50 ms) and through one `bus.publish()` each (unbatched, the baseline), in the same run.
 * Rate = samples a subscriber has seen per second, from the first call to the last sample seen
 * (untimed calls); producer call time = 100,000 further calls, each timed on its own.
 *
 * Run: npx tsx bench/telemetry.ts   (ROUNDS=3 SAMPLES=1000000; PLEXUS_BENCH_SHORT=1 for 100,000 × 1)
 */
import { silentLogger } from "../src/common/logger.js";
import { subscribeTelemetry } from "../src/actors/telemetry/subscribe-telemetry.js";
import { Telemetry } from "../src/actors/telemetry/telemetry.js";
import { seedTelemetryTopic } from "../src/actors/telemetry/topics.js";
import { MessageBus } from "../src/transports/bus/message-bus.js";
import { MemoryTransport } from "../src/transports/memory/transport.js";
import { recordHeadlines } from "./lib/headline.js";

const SHORT = process.env.PLEXUS_BENCH_SHORT === "1";
const ROUNDS = Number(process.env.ROUNDS ?? (SHORT ? 1 : 3));
const SAMPLES = Number(process.env.SAMPLES ?? (SHORT ? 100_000 : 1_000_000));
const YIELD_EVERY = 1_000;
const TIMED = Math.min(SAMPLES, 100_000);
const TOPIC = seedTelemetryTopic(3, 17);

interface Run {
  rate: number;
  p50Us: number;
  p99Us: number;
}

const yieldNow = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

async function withBus(body: (bus: MessageBus) => Promise<Run>): Promise<Run> {
  const bus = new MessageBus({
    transport: new MemoryTransport(),
    source: "bench",
    log: silentLogger(),
    bounds: { mailbox: { capacity: 10_000, overflow: "block" } },
  });
  await bus.start();
  try {
    return await body(bus);
  } finally {
    await bus.close();
  }
}

function percentile(sorted: Float64Array, p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))] ?? 0;
}

/**
 * Two passes over the same calls: the rate pass untimed (two clock reads per call would be most
 * of a batched call's cost), then a pass of `TIMED` calls each timed on its own for p50/p99.
 */
async function measure(call: (n: number) => void, seen: () => number): Promise<Run> {
  const started = process.hrtime.bigint();
  for (let n = 0; n < SAMPLES; n++) {
    call(n);
    if (n % YIELD_EVERY === YIELD_EVERY - 1) await yieldNow();
  }
  while (seen() < SAMPLES) await yieldNow();
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const durations = new Float64Array(TIMED);
  for (let n = 0; n < TIMED; n++) {
    const before = process.hrtime.bigint();
    call(n);
    durations[n] = Number(process.hrtime.bigint() - before);
    if (n % YIELD_EVERY === YIELD_EVERY - 1) await yieldNow();
  }
  while (seen() < SAMPLES + TIMED) await yieldNow();
  durations.sort();
  return { rate: SAMPLES / seconds, p50Us: percentile(durations, 0.5) / 1_000, p99Us: percentile(durations, 0.99) / 1_000 };
}

function batched(): Promise<Run> {
  return withBus(async (bus) => {
    let seen = 0;
    await subscribeTelemetry(bus, "kasmina.telemetry.>", () => {
      seen++;
    });
    const telemetry = new Telemetry(bus, { log: silentLogger() });
    const run = await measure(
      (n) => telemetry.record(TOPIC, { step: n, loss: 0.5, accuracy: 0.9 }),
      () => {
        telemetry.flush(); // the last partial batch, instead of waiting 50 ms
        return seen;
      },
    );
    telemetry.close();
    return run;
  });
}

function unbatched(): Promise<Run> {
  return withBus(async (bus) => {
    let seen = 0;
    await bus.subscribe("kasmina.telemetry.>", () => {
      seen++;
    });
    return measure(
      (n) => void bus.publish(TOPIC, { step: n, loss: 0.5, accuracy: 0.9 }),
      () => seen,
    );
  });
}

const median = (values: number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0;
const batchedRuns: Run[] = [];
const unbatchedRuns: Run[] = [];
for (let round = 0; round < ROUNDS; round++) {
  // Alternate the order so neither side always runs on a warmer heap.
  if (round % 2 === 0) {
    batchedRuns.push(await batched());
    unbatchedRuns.push(await unbatched());
  } else {
    unbatchedRuns.push(await unbatched());
    batchedRuns.push(await batched());
  }
}

const rateB = median(batchedRuns.map((run) => run.rate));
const rateU = median(unbatchedRuns.map((run) => run.rate));
const p99B = median(batchedRuns.map((run) => run.p99Us));
const p99U = median(unbatchedRuns.map((run) => run.p99Us));
const p50B = median(batchedRuns.map((run) => run.p50Us));
const p50U = median(unbatchedRuns.map((run) => run.p50Us));
const fmtRate = (n: number): string => `${Math.round(n).toLocaleString("en-US")} samples/s`;
console.log(`\n### telemetry (${ROUNDS} round(s), medians; ${SAMPLES.toLocaleString("en-US")} samples, memory bus, one subscriber)\n`);
console.log("| measure | record() batched | publish() per sample (baseline) | ratio | target |");
console.log("|---|---|---|---|---|");
console.log(`| rate to the subscriber | ${fmtRate(rateB)} | ${fmtRate(rateU)} | ${(rateB / rateU).toFixed(1)}× | ≥ 5× |`);
console.log(`| producer call p50 | ${p50B.toFixed(2)} µs | ${p50U.toFixed(2)} µs | | |`);
console.log(`| producer call p99 | ${p99B.toFixed(2)} µs | ${p99U.toFixed(2)} µs | | ≤ 20 µs |`);
recordHeadlines("telemetry", [
  {
    measure: "telemetry samples/s (memory bus)",
    plexus: rateB,
    baselineName: "publish per sample",
    baseline: rateU,
    target: "≥ 5× baseline",
    met: rateB >= 5 * rateU,
    digits: 0,
  },
  {
    measure: "telemetry record() p99, µs",
    plexus: p99B,
    baselineName: "publish() call",
    baseline: p99U,
    target: "≤ 20 µs",
    met: p99B <= 20,
    digits: 2,
  },
]);
