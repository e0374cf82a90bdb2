/**
 * The two processes of bench/transport-redis.ts: a publisher and a subscriber, each either going
 * through RedisTransport ("plexus"; "pack": with `transport.pack` = `pack`, several envelopes per
 * stream entry) or talking to Redis with raw ioredis commands ("raw": pipelined XADD, XREADGROUP,
 * XACK with the same batch sizes). Each prints one JSON line with its results.
 */
import { monitorEventLoopDelay } from "node:perf_hooks";
import { Redis } from "ioredis";
import type { ResolvedRedisTransportConfig } from "../../src/transports/transport-config.js";
import { silentLogger } from "../../src/common/logger.js";
import { createEnvelope, type Envelope } from "../../src/transports/envelope.js";
import { RedisTransport } from "../../src/transports/redis/transport.js";

export type BenchMode = "raw" | "plexus" | "pack";

export interface RoleArgs {
  mode: BenchMode;
  url: string;
  prefix: string;
  /** Messages to send / expect. */
  count: number;
  batch: number;
  /** Offered rate in msg/s; 0 = as fast as possible. */
  rate: number;
  /** `transport.pack` of mode "pack" (envelopes per stream entry); the other modes use 1. */
  pack: number;
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
  /** The subscriber's event-loop delay p99/max (ms): stalls there are CPU contention or GC. */
  loopP99: number;
  loopMax: number;
}

const GROUP = "bench";
const TOPIC = "bench.load";
/** Publish batches allowed in flight at once (every mode). */
const IN_FLIGHT = 4;

/** Wall-clock milliseconds with sub-millisecond resolution, comparable across processes. */
export function now(): number {
  return performance.timeOrigin + performance.now();
}

export function benchConfig(args: RoleArgs): ResolvedRedisTransportConfig {
  const pack = args.mode === "pack" ? args.pack : 1;
  return {
    kind: "redis",
    url: args.url,
    prefix: args.prefix,
    layout: "events",
    maxLen: Math.max(1_000_000, args.count * 2),
    claimIdleMs: 30_000,
    maxDeliveries: 5,
    blockMs: 1_000,
    batch: args.batch,
    dedupeWindow: 10_000,
    pack,
  };
}

function payload(seq: number): { seq: number; sentAt: number; note: string } {
  return { seq, sentAt: now(), note: "a typical small event body of a few dozen bytes" };
}

/** Sends `count` envelopes in batches, at `rate` msg/s when given. */
export async function runPublisher(args: RoleArgs): Promise<{ sent: number; startedAt: number; endedAt: number }> {
  const stream = `${args.prefix}:events`;
  let send: (batch: Envelope[]) => Promise<void>;
  let close: () => Promise<void>;
  if (args.mode !== "raw") {
    const transport = new RedisTransport(benchConfig(args), { log: silentLogger(), source: "bench" });
    await transport.connect();
    send = (batch) => transport.publish(batch);
    close = () => transport.close();
  } else {
    const client = new Redis(args.url, { enableOfflineQueue: true });
    const maxLen = String(benchConfig(args).maxLen);
    send = async (batch) => {
      const pipeline = client.pipeline();
      for (const e of batch) pipeline.xadd(stream, "MAXLEN", "~", maxLen, "*", "topic", e.topic, "envelope", JSON.stringify(e));
      const results = await pipeline.exec();
      const failed = results?.find(([error]) => error !== null);
      if (failed) throw failed[0];
    };
    close = async () => void (await client.quit());
  }
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
      size = Math.min(args.batch, due);
    }
    size = Math.min(size, args.count - seq);
    const batch = Array.from({ length: size }, () => createEnvelope(TOPIC, payload(seq++), "bench"));
    const p = send(batch).finally(() => inFlight.delete(p));
    inFlight.add(p);
    if (inFlight.size >= IN_FLIGHT) await Promise.race(inFlight);
  }
  await Promise.all(inFlight);
  const endedAt = now();
  await close();
  return { sent: seq, startedAt, endedAt };
}

/** Receives until `count` distinct envelopes arrived (or nothing came for 10 s); acks each batch. */
export async function runSubscriber(args: RoleArgs, ready: () => void): Promise<SubscriberResult> {
  const loopDelay = monitorEventLoopDelay({ resolution: 1 });
  loopDelay.enable();
  const seen = new Uint8Array(args.count);
  const latencies = new Float64Array(args.count);
  let received = 0;
  let duplicates = 0;
  let firstAt = 0;
  let lastAt = 0;
  const record = (p: { seq: number; sentAt: number }) => {
    const t = now();
    if (seen[p.seq] === 1) {
      duplicates++;
      return;
    }
    seen[p.seq] = 1;
    latencies[received++] = t - p.sentAt;
    if (firstAt === 0) firstAt = t;
    lastAt = t;
  };
  const stream = `${args.prefix}:events`;
  const admin = new Redis(args.url);
  let finish: () => Promise<void>;
  if (args.mode !== "raw") {
    const transport = new RedisTransport(benchConfig(args), { log: silentLogger(), source: "bench" });
    await transport.connect();
    await transport.subscribe({ pattern: "bench.>", group: GROUP, subscriber: "bench-sub" }, (e) =>
      record(e.payload as { seq: number; sentAt: number }),
    );
    ready();
    await waitUntil(
      () => received >= args.count,
      () => lastAt,
    );
    finish = () => transport.close();
  } else {
    const reader = new Redis(args.url);
    await admin.xgroup("CREATE", stream, GROUP, "$", "MKSTREAM");
    ready();
    let stop = false;
    const loop = (async () => {
      while (!stop && received < args.count) {
        const reply = (await reader.xreadgroup(
          "GROUP",
          GROUP,
          "raw-sub",
          "COUNT",
          args.batch,
          "BLOCK",
          1_000,
          "STREAMS",
          stream,
          ">",
        )) as Array<[string, Array<[string, string[]]>]> | null;
        if (!reply) continue;
        for (const [, entries] of reply) {
          const ids: string[] = [];
          for (const [id, fields] of entries) {
            ids.push(id);
            const json = fields[fields.indexOf("envelope") + 1] as string;
            record((JSON.parse(json) as Envelope<{ seq: number; sentAt: number }>).payload);
          }
          // Sent without waiting, on the same connection: Redis runs it before the next read.
          void reader.xack(stream, GROUP, ...ids);
        }
      }
    })();
    await waitUntil(
      () => received >= args.count,
      () => lastAt,
    );
    stop = true;
    finish = async () => {
      await Promise.race([loop, new Promise((resolve) => setTimeout(resolve, 1_500))]);
      reader.disconnect();
    };
  }
  // Let the last acks land, then read what is still pending: zero means everything was acked.
  let pendingAtEnd = -1;
  for (let i = 0; i < 50; i++) {
    pendingAtEnd = Number(((await admin.xpending(stream, GROUP)) as unknown[])[0]);
    if (pendingAtEnd === 0) break;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  await finish();
  await admin.quit();
  const sorted = Array.from(latencies.subarray(0, received)).sort((a, b) => a - b);
  const pct = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;
  loopDelay.disable();
  const loopP99 = loopDelay.percentile(99) / 1e6;
  const loopMax = loopDelay.max / 1e6;
  return {
    received,
    duplicates,
    firstAt,
    lastAt,
    p50: pct(0.5),
    p99: pct(0.99),
    max: sorted[sorted.length - 1] ?? 0,
    pendingAtEnd,
    loopP99,
    loopMax,
  };
}

async function waitUntil(done: () => boolean, lastAt: () => number): Promise<void> {
  const started = now();
  while (!done()) {
    const quietSince = Math.max(started, lastAt());
    if (now() - quietSince > 10_000) return; // nothing arrived for 10 s: report what we have
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}
