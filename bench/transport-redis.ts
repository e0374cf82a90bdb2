/**
 * Redis Streams, end to end with acks: plexus (a MessageBus on a RedisTransport) beside raw
 * ioredis (the bare limit) and `@moleculer/channels` (its Redis adapter), same stream, same
 * message. Paced runs offer 5,000 and 10,000 msg/s for SECONDS and report publish→receive
 * latency (p50/p99/max) and loss, with publisher and subscriber in one process and in two;
 * saturated runs push MESSAGES through as fast as a window of 4 chunks of BATCH allows and report
 * delivered msg/s. The first second of a paced run is warm-up (JIT, connections): its messages
 * count for loss but not for latency. Every run is a fresh child process (or two); flavours are interleaved, their
 * order rotating each round, and each figure is the median of ROUNDS.
 *
 *   npx tsx bench/transport-redis.ts
 *
 * Env: PLEXUS_BENCH_REDIS_URL (default redis://127.0.0.1:6379), SECONDS (paced run length,
 * default 10), MESSAGES (per saturated run, default 100000), ROUNDS (default 3), BATCH (raw
 * COUNT and pipeline chunk, moleculer maxInFlight; default 100, plexus's own default),
 * SCENARIOS (comma list of scenario ids to run, default all: in-5k,in-10k,x-5k,x-10k,in-max,x-max).
 * Every run uses its own key prefix and deletes its keys after.
 */
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { Redis } from "ioredis";
import type { Flavour } from "./lib/redis-bench-clients.js";
import { runPublisher, runSubscriber, type PublisherResult, type RoleArgs, type SubscriberResult } from "./lib/redis-bench-roles.js";

const url = process.env.PLEXUS_BENCH_REDIS_URL ?? "redis://127.0.0.1:6379";
const seconds = Number(process.env.SECONDS ?? 10);
const messages = Number(process.env.MESSAGES ?? 100_000);
const rounds = Number(process.env.ROUNDS ?? 3);
const batch = Number(process.env.BATCH ?? 100);
const self = fileURLToPath(import.meta.url);

interface Scenario {
  id: string;
  title: string;
  rate: number;
  split: boolean;
}

const SCENARIOS: readonly Scenario[] = [
  { id: "in-5k", title: "5,000 msg/s, one process", rate: 5_000, split: false },
  { id: "in-10k", title: "10,000 msg/s, one process", rate: 10_000, split: false },
  { id: "x-5k", title: "5,000 msg/s, two processes", rate: 5_000, split: true },
  { id: "x-10k", title: "10,000 msg/s, two processes", rate: 10_000, split: true },
  { id: "in-max", title: "saturated, one process", rate: 0, split: false },
  { id: "x-max", title: "saturated, two processes", rate: 0, split: true },
];
/** Baseline first; the table rows follow this order. */
const FLAVOURS: readonly Flavour[] = ["raw", "moleculer", "plexus"];
const LABELS: Record<Flavour, string> = {
  raw: "raw ioredis (baseline)",
  moleculer: "@moleculer/channels (redis)",
  plexus: "plexus MessageBus + RedisTransport",
};

interface RunResult {
  sent: number;
  sub: SubscriberResult;
  throughput: number;
}

function argvOf(role: string, args: RoleArgs): string[] {
  return ["--import", "tsx", self, "--role", role, "--json", JSON.stringify(args)];
}

/** Runs this file as a child in `role`; resolves with its last JSON line; calls onReady at "ready". */
function child<T>(role: string, args: RoleArgs, onReady?: () => void): Promise<T> {
  const proc = spawn(process.execPath, argvOf(role, args), { stdio: ["ignore", "pipe", "inherit"] });
  let out = "";
  return new Promise((resolve, reject) => {
    proc.stdout.on("data", (chunk: Buffer) => {
      out += chunk.toString();
      if (onReady && out.includes("ready\n")) {
        const ready = onReady;
        onReady = undefined;
        ready();
      }
    });
    proc.on("exit", (code) => {
      const last = out.trim().split("\n").pop() ?? "";
      if (code !== 0) reject(new Error(`${role} (${args.flavour}) exited with ${code}`));
      else resolve(JSON.parse(last) as T);
    });
  });
}

async function deletePrefix(prefix: string): Promise<void> {
  const admin = new Redis(url);
  let cursor = "0";
  do {
    const [next, keys] = await admin.scan(cursor, "MATCH", `${prefix}*`, "COUNT", 1_000);
    cursor = next;
    if (keys.length > 0) await admin.del(...keys);
  } while (cursor !== "0");
  await admin.quit();
}

async function run(flavour: Flavour, scenario: Scenario): Promise<RunResult> {
  const prefix = `plexus-bench-redis-${process.pid}-${Date.now().toString(36)}-${flavour}-${scenario.id}`;
  const count = scenario.rate > 0 ? scenario.rate * seconds : messages;
  // Paced runs leave their first second out of the latency figures (every flavour alike).
  const args: RoleArgs = { flavour, url, prefix, batch, count, rate: scenario.rate, warmup: scenario.rate };
  try {
    let sub: SubscriberResult;
    let pub: PublisherResult;
    if (scenario.split) {
      let subReady: () => void = () => undefined;
      const ready = new Promise<void>((resolve) => (subReady = resolve));
      const subscriber = child<SubscriberResult>("sub", args, subReady);
      await ready;
      pub = await child<PublisherResult>("pub", args);
      sub = await subscriber;
    } else {
      ({ sub, pub } = await child<{ sub: SubscriberResult; pub: PublisherResult }>("both", args));
    }
    return { sent: pub.sent, sub, throughput: sub.received / ((sub.lastAt - pub.startedAt) / 1000) };
  } finally {
    await deletePrefix(prefix);
  }
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
}

const fmt = (n: number, digits = 0) => n.toLocaleString("en-US", { maximumFractionDigits: digits, minimumFractionDigits: digits });

function printTable(scenarios: readonly Scenario[], results: Map<string, RunResult[]>): void {
  const key = (s: Scenario, f: Flavour) => `${s.id}/${f}`;
  console.log(
    "| scenario | client | p50 ms | p99 ms | max ms | p99 vs raw | delivered msg/s | msg/s vs raw | lost | dup | pending at end | sub loop p99 ms |",
  );
  console.log("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
  for (const s of scenarios) {
    const raw = results.get(key(s, "raw")) ?? [];
    const rawP99 = median(raw.map((r) => r.sub.p99));
    const rawRate = median(raw.map((r) => r.throughput));
    for (const f of FLAVOURS) {
      const rs = results.get(key(s, f)) ?? [];
      if (rs.length === 0) continue;
      const p99 = median(rs.map((r) => r.sub.p99));
      const rate = median(rs.map((r) => r.throughput));
      const lost = rs.reduce((sum, r) => sum + (r.sent - r.sub.received), 0);
      const dup = rs.reduce((sum, r) => sum + r.sub.duplicates, 0);
      const pending = rs.reduce((sum, r) => sum + r.sub.pendingAtEnd, 0);
      const paced = s.rate > 0;
      console.log(
        `| ${s.title} | ${LABELS[f]} | ${fmt(median(rs.map((r) => r.sub.p50)), 2)} | ${fmt(p99, 2)} | ${fmt(median(rs.map((r) => r.sub.max)), 1)} | ${
          paced && f !== "raw" ? `${fmt(p99 / rawP99, 2)}x` : ""
        } | ${fmt(rate)}${paced ? "" : ` (${rs.map((r) => fmt(r.throughput)).join(", ")})`} | ${
          !paced && f !== "raw" ? `${fmt(rate / rawRate, 2)}x` : ""
        } | ${lost} | ${dup} | ${pending} | ${fmt(median(rs.map((r) => r.sub.loopP99)), 1)} |`,
      );
    }
  }
}

async function main(): Promise<void> {
  const wanted = process.env.SCENARIOS?.split(",").map((s) => s.trim());
  const scenarios = SCENARIOS.filter((s) => wanted === undefined || wanted.includes(s.id));
  console.log(
    `# Redis Streams end to end: paced runs ${seconds} s each, saturated runs ${messages.toLocaleString()} msgs, batch ${batch}, median of ${rounds} rounds\n`,
  );
  const results = new Map<string, RunResult[]>();
  for (let r = 0; r < rounds; r++) {
    for (const scenario of scenarios) {
      const order = FLAVOURS.map((_, i) => FLAVOURS[(i + r) % FLAVOURS.length] as Flavour);
      for (const flavour of order) {
        const result = await run(flavour, scenario);
        const key = `${scenario.id}/${flavour}`;
        results.set(key, [...(results.get(key) ?? []), result]);
        console.error(
          `round ${r + 1} ${scenario.id} ${flavour}: p50 ${fmt(result.sub.p50, 2)} p99 ${fmt(result.sub.p99, 2)} ms, ${fmt(result.throughput)} msg/s, lost ${result.sent - result.sub.received}`,
        );
      }
    }
  }
  console.log("");
  printTable(scenarios, results);
  console.log("\nlost = sent - received distinct (summed over rounds); pending at end: entries never acked.");
}

const at = process.argv.indexOf("--role");
if (at >= 0) {
  const role = process.argv[at + 1];
  const args = JSON.parse(process.argv[process.argv.indexOf("--json") + 1] as string) as RoleArgs;
  const ready = () => process.stdout.write("ready\n");
  if (role === "pub") console.log(JSON.stringify(await runPublisher(args)));
  else if (role === "sub") console.log(JSON.stringify(await runSubscriber(args, ready)));
  else
    console.log(
      JSON.stringify(
        await runSubscriber(
          args,
          () => undefined,
          () => runPublisher(args),
        ),
      ),
    );
  process.exit(0);
} else {
  await main();
}
