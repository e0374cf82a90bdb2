/**
 * Redis Streams transport benchmark: publisher and subscriber in separate processes, end to end
 * with acks, RedisTransport ("plexus", one entry per envelope; "pack", `transport.pack` = BENCH_PACK
 * envelopes per entry, plexus peers only) against raw ioredis ("raw": pipelined XADD +
 * XREADGROUP + XACK, one entry per message, same batch sizes) in the same run.
 *
 *   npx tsx bench/transport-redis.ts
 *
 * Env: PLEXUS_BENCH_REDIS_URL (default redis://127.0.0.1:6379), BENCH_COUNT (messages per
 * throughput round, default 100000), BENCH_ROUNDS (default 5), BENCH_RATE (default 10000 msg/s),
 * BENCH_RATE_SECONDS (default 30), BENCH_BATCH (default 100), BENCH_PACK (default 100).
 * Keys live under a unique prefix and are deleted after each run.
 */
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { Redis } from "ioredis";
import { runPublisher, runSubscriber, type BenchMode, type RoleArgs, type SubscriberResult } from "./lib/redis-bench-roles.js";

const url = process.env.PLEXUS_BENCH_REDIS_URL ?? "redis://127.0.0.1:6379";
const count = Number(process.env.BENCH_COUNT ?? 100_000);
const rounds = Number(process.env.BENCH_ROUNDS ?? 5);
const rate = Number(process.env.BENCH_RATE ?? 10_000);
const rateSeconds = Number(process.env.BENCH_RATE_SECONDS ?? 30);
const batch = Number(process.env.BENCH_BATCH ?? 100);
const pack = Number(process.env.BENCH_PACK ?? 100);
const self = fileURLToPath(import.meta.url);

interface RunResult {
  mode: BenchMode;
  throughput: number;
  sub: SubscriberResult;
  sent: number;
}

function parseRole(argv: string[]): { role: string; args: RoleArgs } | undefined {
  const at = argv.indexOf("--role");
  if (at < 0) return undefined;
  const get = (name: string) => argv[argv.indexOf(`--${name}`) + 1] as string;
  return {
    role: get("role"),
    args: {
      mode: get("mode") as BenchMode,
      url: get("url"),
      prefix: get("prefix"),
      count: Number(get("count")),
      batch: Number(get("batch")),
      rate: Number(get("rate")),
      pack: Number(get("pack")),
    },
  };
}

/** Runs this file as a child in `role`; resolves with its last JSON line; calls onReady at "ready". */
function child<T>(role: string, args: RoleArgs, onReady?: () => void): Promise<T> {
  const argv = [
    "--import",
    "tsx",
    self,
    "--role",
    role,
    "--mode",
    args.mode,
    "--url",
    args.url,
    "--prefix",
    args.prefix,
    "--count",
    String(args.count),
    "--batch",
    String(args.batch),
    "--rate",
    String(args.rate),
    "--pack",
    String(args.pack),
  ];
  const proc = spawn(process.execPath, argv, { stdio: ["ignore", "pipe", "inherit"] });
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
      if (code !== 0) reject(new Error(`${role} (${args.mode}) exited with ${code}`));
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

async function run(mode: BenchMode, messages: number, offered: number): Promise<RunResult> {
  const prefix = `plexus-bench-redis-${process.pid}-${Date.now().toString(36)}-${mode}`;
  const args: RoleArgs = { mode, url, prefix, count: messages, batch, rate: offered, pack };
  try {
    let subReady: () => void = () => undefined;
    const ready = new Promise<void>((resolve) => (subReady = resolve));
    const sub = child<SubscriberResult>("sub", args, subReady);
    await ready;
    const pub = await child<{ sent: number; startedAt: number; endedAt: number }>("pub", args);
    const result = await sub;
    const throughput = result.received / ((result.lastAt - pub.startedAt) / 1000);
    return { mode, throughput, sub: result, sent: pub.sent };
  } finally {
    await deletePrefix(prefix);
  }
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
}

/** Every variant, baseline first; the table rows follow this order. */
const MODES: readonly BenchMode[] = ["raw", "plexus", "pack"];

function label(mode: BenchMode): string {
  if (mode === "raw") return "raw ioredis (baseline)";
  return mode === "plexus" ? "RedisTransport" : `RedisTransport pack=${pack}`;
}

const fmt = (n: number, digits = 0) => n.toLocaleString("en-US", { maximumFractionDigits: digits, minimumFractionDigits: digits });

async function main(): Promise<void> {
  console.log(
    `# Redis Streams transport: ${count.toLocaleString()} msgs x ${rounds} rounds, batch ${batch}, pack ${pack}; then ${rate} msg/s for ${rateSeconds} s\n`,
  );
  const results: Record<BenchMode, RunResult[]> = { raw: [], plexus: [], pack: [] };
  for (let r = 0; r < rounds; r++) {
    for (const mode of MODES) results[mode].push(await run(mode, count, 0));
  }
  const raw = median(results.raw.map((x) => x.throughput));
  console.log("## Throughput (separate publisher and subscriber processes, acked)\n");
  console.log("| variant | median msg/s | rounds (msg/s) | lost | pending at end | p50 ms | p99 ms |");
  console.log("|---|---:|---|---:|---:|---:|---:|");
  for (const mode of MODES) {
    const rs = results[mode];
    const mid = [...rs].sort((a, b) => a.throughput - b.throughput)[Math.floor(rs.length / 2)] as RunResult;
    const lost = rs.reduce((s, x) => s + (x.sent - x.sub.received), 0);
    const pending = rs.reduce((s, x) => s + x.sub.pendingAtEnd, 0);
    console.log(
      `| ${label(mode)} | ${fmt(median(rs.map((x) => x.throughput)))} | ${rs.map((x) => fmt(x.throughput)).join(", ")} | ${lost} | ${pending} | ${fmt(mid.sub.p50, 2)} | ${fmt(mid.sub.p99, 2)} |`,
    );
  }
  console.log("");
  for (const mode of MODES.filter((m) => m !== "raw")) {
    console.log(`ratio ${label(mode)} / raw baseline: **${fmt(median(results[mode].map((x) => x.throughput)) / raw, 2)}x**`);
  }
  console.log("");

  console.log(`## Offered load: ${rate} msg/s for ${rateSeconds} s\n`);
  console.log(
    "| variant | sent | received | lost | duplicates | pending at end | p50 ms | p99 ms | max ms | sub event-loop delay p99 / max ms |",
  );
  console.log("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
  for (const mode of ["plexus", "pack", "raw"] as const) {
    const x = await run(mode, rate * rateSeconds, rate);
    console.log(
      `| ${label(mode)} | ${x.sent} | ${x.sub.received} | ${x.sent - x.sub.received} | ${x.sub.duplicates} | ${x.sub.pendingAtEnd} | ${fmt(x.sub.p50, 2)} | ${fmt(x.sub.p99, 2)} | ${fmt(x.sub.max, 2)} | ${fmt(x.sub.loopP99, 1)} / ${fmt(x.sub.loopMax, 1)} |`,
    );
  }
}

const role = parseRole(process.argv);
if (role?.role === "pub") {
  console.log(JSON.stringify(await runPublisher(role.args)));
} else if (role?.role === "sub") {
  const result = await runSubscriber(role.args, () => process.stdout.write("ready\n"));
  console.log(JSON.stringify(result));
} else {
  await main();
}
