/**
 * MessageBus + MemoryTransport against a bare EventEmitter, in the same run.
 *
 * 1. Throughput: 1,000,000 publishes on one topic, one exact and one wildcard subscriber, the
 *    publisher yielding every 1,000 messages (as a real producer would) so mailboxes drain.
 * 2. Latency: 10,000 msg/s offered for 1 s, publish-to-handler time per message, p50 / p99.
 *
 * Run: npx tsx bench/bus-memory.ts   (ROUNDS=5 MESSAGES=1000000 to change the sizes)
 */
import { EventEmitter } from "node:events";
import { performance } from "node:perf_hooks";
import type { BusConfig } from "../src/transports/bus/bus-config.js";
import { silentLogger } from "../src/common/logger.js";
import { MessageBus } from "../src/transports/bus/message-bus.js";
import { MemoryTransport } from "../src/transports/memory/transport.js";
import { recordHeadlines } from "./lib/headline.js";

const ROUNDS = Number(process.env.ROUNDS ?? 5);
const MESSAGES = Number(process.env.MESSAGES ?? 1_000_000);
const YIELD_EVERY = 1_000;
const RATE = 10_000;
const LATENCY_MESSAGES = 10_000;

const defaults: BusConfig = {
  mailbox: { capacity: 10_000, overflow: "block" },
  outbox: { capacity: 10_000, overflow: "drop-oldest" },
  maxPayloadBytes: 1_048_576,
  maxDepth: 64,
};

interface Target {
  publish(payload: { seq: number; at: number }): unknown;
  subscribe(handler: (payload: { seq: number; at: number }) => void): Promise<void>;
  close(): Promise<void>;
}

async function busTarget(): Promise<Target> {
  const bus = new MessageBus({ transport: new MemoryTransport(), source: "bench", log: silentLogger(), bounds: defaults });
  await bus.start();
  let first = true;
  return {
    publish: (payload) => bus.publish("bench.orders.created", payload),
    subscribe: async (handler) => {
      // One exact and one wildcard subscriber, as in the brief.
      await bus.subscribe<{ seq: number; at: number }>(first ? "bench.orders.created" : "bench.orders.>", (e) => handler(e.payload));
      first = false;
    },
    close: () => bus.close(),
  };
}

async function emitterTarget(): Promise<Target> {
  const emitter = new EventEmitter();
  return {
    publish: (payload) => emitter.emit("bench.orders.created", payload),
    subscribe: async (handler) => void emitter.on("bench.orders.created", handler),
    close: async () => void emitter.removeAllListeners(),
  };
}

async function throughput(make: () => Promise<Target>): Promise<number> {
  const target = await make();
  let received = 0;
  await target.subscribe(() => received++);
  await target.subscribe(() => received++);
  const expected = MESSAGES * 2;
  const start = performance.now();
  for (let seq = 0; seq < MESSAGES; seq++) {
    target.publish({ seq, at: 0 });
    if (seq % YIELD_EVERY === YIELD_EVERY - 1) await null;
  }
  while (received < expected) await new Promise((resolve) => setImmediate(resolve));
  const seconds = (performance.now() - start) / 1000;
  await target.close();
  return MESSAGES / seconds;
}

async function latency(make: () => Promise<Target>): Promise<{ p50: number; p99: number }> {
  const target = await make();
  const samples: number[] = [];
  await target.subscribe((payload) => void samples.push((performance.now() - payload.at) * 1000));
  await target.subscribe(() => undefined);
  const start = performance.now();
  let sent = 0;
  while (sent < LATENCY_MESSAGES) {
    const due = Math.min(LATENCY_MESSAGES, Math.floor(((performance.now() - start) / 1000) * RATE));
    while (sent < due) target.publish({ seq: sent++, at: performance.now() });
    await new Promise((resolve) => setImmediate(resolve));
  }
  while (samples.length < LATENCY_MESSAGES) await new Promise((resolve) => setImmediate(resolve));
  await target.close();
  samples.sort((a, b) => a - b);
  return { p50: samples[Math.floor(samples.length * 0.5)] as number, p99: samples[Math.floor(samples.length * 0.99)] as number };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] as number;
}

const busRates: number[] = [];
const emitterRates: number[] = [];
const busP99: number[] = [];
const emitterP99: number[] = [];
const busP50: number[] = [];
const emitterP50: number[] = [];
for (let round = 0; round < ROUNDS; round++) {
  // Alternate the order so neither side always runs on a warmer or more fragmented heap.
  const order = round % 2 === 0 ? ["bus", "emitter"] : ["emitter", "bus"];
  for (const which of order) {
    if (which === "bus") busRates.push(await throughput(busTarget));
    else emitterRates.push(await throughput(emitterTarget));
  }
  const busLatency = await latency(busTarget);
  const emitterLatency = await latency(emitterTarget);
  busP99.push(busLatency.p99);
  busP50.push(busLatency.p50);
  emitterP99.push(emitterLatency.p99);
  emitterP50.push(emitterLatency.p50);
}

const fmtRate = (n: number): string => `${Math.round(n).toLocaleString("en-US")} msg/s`;
const fmtUs = (n: number): string => `${n.toFixed(1)} µs`;
console.log(`\n### bus-memory (${ROUNDS} rounds, medians; ${MESSAGES.toLocaleString("en-US")} messages, 2 subscribers)\n`);
console.log("| measure | MessageBus + MemoryTransport | EventEmitter (baseline) | ratio bus/baseline | target |");
console.log("|---|---|---|---|---|");
console.log(
  `| throughput | ${fmtRate(median(busRates))} | ${fmtRate(median(emitterRates))} | ${(median(busRates) / median(emitterRates)).toFixed(2)} | ≥ 1,000,000 msg/s |`,
);
console.log(
  `| p50 latency @ ${RATE.toLocaleString("en-US")} msg/s | ${fmtUs(median(busP50))} | ${fmtUs(median(emitterP50))} | ${(median(busP50) / median(emitterP50)).toFixed(1)} | |`,
);
console.log(
  `| p99 latency @ ${RATE.toLocaleString("en-US")} msg/s | ${fmtUs(median(busP99))} | ${fmtUs(median(emitterP99))} | ${(median(busP99) / median(emitterP99)).toFixed(1)} | ≤ 50 µs |`,
);
recordHeadlines("bus-memory", [
  {
    measure: "memory bus throughput, msg/s",
    plexus: median(busRates),
    baselineName: "EventEmitter",
    baseline: median(emitterRates),
    target: "≥ 1,000,000 msg/s",
    met: median(busRates) >= 1_000_000,
    digits: 0,
  },
  {
    measure: `memory bus p99 @ ${RATE.toLocaleString("en-US")} msg/s, µs`,
    plexus: median(busP99),
    baselineName: "EventEmitter",
    baseline: median(emitterP99),
    target: "≤ 50 µs",
    met: median(busP99) <= 50,
  },
]);
