/**
 * What the processes of bench/transport-redis.ts do: publish (paced at `rate` msg/s, or as fast
 * as a bounded window of chunks allows), receive and record publish→receive latency, or both in
 * one process. Each role prints one JSON line with its results.
 */
import { monitorEventLoopDelay } from "node:perf_hooks";
import { openPublisher, openSubscriber, pendingCount, type BenchPayload, type ClientArgs, type Flavour } from "./redis-bench-clients.js";

export interface RoleArgs extends ClientArgs {
  flavour: Flavour;
  /** Messages to send / expect. */
  count: number;
  /** Offered rate in msg/s; 0 = saturated. */
  rate: number;
  /** The first this many messages (JIT and connection warm-up) count for loss but not for latency. */
  warmup: number;
}

export interface PublisherResult {
  sent: number;
  startedAt: number;
  endedAt: number;
}

export interface SubscriberResult {
  received: number;
  duplicates: number;
  firstAt: number;
  lastAt: number;
  p50: number;
  p99: number;
  max: number;
  pendingAtEnd: number;
  /** The subscriber's event-loop delay p99 (ms): stalls there are CPU contention or GC. */
  loopP99: number;
}

/** Chunks a saturated publisher keeps in flight (every flavour). */
const IN_FLIGHT = 4;
/** A paced publisher that falls this many chunks behind waits for one to finish. */
const PACED_IN_FLIGHT = 64;
/** A run ends when nothing new arrived for this long. */
const QUIET_MS = 10_000;

/** Wall-clock milliseconds with sub-millisecond resolution, comparable across processes. */
export function now(): number {
  return performance.timeOrigin + performance.now();
}

const NOTE = "a typical small event body of a few dozen bytes";

/** Sends `count` messages: each timer tick the ones due at `rate`, or chunks of `batch` back to back. */
export async function runPublisher(args: RoleArgs): Promise<PublisherResult> {
  const publisher = await openPublisher(args.flavour, args);
  const startedAt = now();
  let seq = 0;
  const inFlight = new Set<Promise<void>>();
  while (seq < args.count) {
    let size = args.batch;
    if (args.rate > 0) {
      const due = Math.floor(((now() - startedAt) / 1000) * args.rate) - seq;
      if (due <= 0) {
        await new Promise((resolve) => setTimeout(resolve, 1));
        continue;
      }
      size = due;
    }
    size = Math.min(size, args.count - seq);
    const chunk: BenchPayload[] = [];
    for (let i = 0; i < size; i++) chunk.push({ seq: seq++, sentAt: now(), note: NOTE });
    const p = publisher.sendChunk(chunk).finally(() => inFlight.delete(p));
    inFlight.add(p);
    if (inFlight.size >= (args.rate > 0 ? PACED_IN_FLIGHT : IN_FLIGHT)) await Promise.race(inFlight);
  }
  await Promise.all(inFlight);
  const endedAt = now();
  await publisher.close();
  return { sent: seq, startedAt, endedAt };
}

/** Records arrivals of `count` distinct messages; `done` resolves at the last or after QUIET_MS of silence. */
function recorder(count: number, warmup: number) {
  const seen = new Uint8Array(count);
  const latencies = new Float64Array(count);
  let measured = 0;
  const state = { received: 0, duplicates: 0, firstAt: 0, lastAt: 0 };
  const record = (p: BenchPayload): void => {
    const t = now();
    if (seen[p.seq] === 1) {
      state.duplicates++;
      return;
    }
    seen[p.seq] = 1;
    state.received++;
    if (p.seq >= warmup) latencies[measured++] = t - p.sentAt;
    if (state.firstAt === 0) state.firstAt = t;
    state.lastAt = t;
  };
  const done = async (): Promise<void> => {
    const started = now();
    while (state.received < count) {
      if (now() - Math.max(started, state.lastAt) > QUIET_MS) return;
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  };
  const percentiles = () => {
    const sorted = Array.from(latencies.subarray(0, measured)).sort((a, b) => a - b);
    const pct = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;
    return { p50: pct(0.5), p99: pct(0.99), max: sorted[sorted.length - 1] ?? 0 };
  };
  return { record, done, state, percentiles };
}

/** Acks are sent after the handler: give the last ones a moment to land, then read what is pending. */
async function settledPending(args: RoleArgs): Promise<number> {
  let pending = -1;
  for (let i = 0; i < 50; i++) {
    pending = await pendingCount(args.url, args.prefix);
    if (pending === 0) break;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return pending;
}

/** Subscribes, calls `ready`, waits until every message arrived (or went quiet), then reports. */
export async function runSubscriber(args: RoleArgs, ready: () => void, publish?: () => Promise<PublisherResult>) {
  const loopDelay = monitorEventLoopDelay({ resolution: 1 });
  loopDelay.enable();
  const rec = recorder(args.count, args.warmup);
  const subscriber = await openSubscriber(args.flavour, args, rec.record);
  ready();
  const published = publish?.();
  await rec.done();
  const pub = await published;
  const pendingAtEnd = await settledPending(args);
  await subscriber.close();
  loopDelay.disable();
  const sub: SubscriberResult = { ...rec.state, ...rec.percentiles(), pendingAtEnd, loopP99: loopDelay.percentile(99) / 1e6 };
  return pub === undefined ? sub : { sub, pub };
}
