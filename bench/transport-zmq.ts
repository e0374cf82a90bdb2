/**
 * ZmqTransport through the plexus proxy against raw zeromq.js in the same topology, same run.
 * Publisher, proxy and subscriber are separate processes (bench/lib/zmq-bench-roles.ts).
 *
 * Baseline ("raw"): zeromq.js Publisher awaiting each send → a plain XSUB/XPUB forwarder that
 * awaits each receive and send → zeromq.js Subscriber parsing each JSON message.
 * plexus: ZmqTransport (noDrop, publish batches of 256, one [topic, json] zmq message per
 * envelope: the pyzmq-compatible default) → XsubXpubForwarder (noDrop) → ZmqTransport.
 * plexus-batch: the same with the opt-in `batchFrames` (one zmq message per run of envelopes on a
 * topic; plexus-only, foreign subscribers do not receive them).
 *
 * 1. Throughput: MESSAGES messages as fast as the publisher can, median of ROUNDS rounds, in
 *    messages delivered per second (first to last arrival) and messages lost.
 * 2. Latency: RATE msg/s offered for SECONDS s (default 10,000 for 30 s): loss and p50/p99/max
 *    publish-to-receive time (both clocks are this machine's).
 *
 * Run: npx tsx bench/transport-zmq.ts   (ROUNDS=3 MESSAGES=100000 SECONDS=30 RATE=10000)
 */
import { fork, type ChildProcess } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { GoCommand, SubscriberReport } from "./lib/zmq-bench-roles.js";

const ROUNDS = Number(process.env.ROUNDS ?? 3);
const MESSAGES = Number(process.env.MESSAGES ?? 100_000);
const SECONDS = Number(process.env.SECONDS ?? 30);
const RATE = Number(process.env.RATE ?? 10_000);
const ROLES = join(dirname(fileURLToPath(import.meta.url)), "lib", "zmq-bench-roles.ts");

type Flavour = "raw" | "plexus" | "plexus-batch";
const FLAVOURS: readonly Flavour[] = ["raw", "plexus", "plexus-batch"];

function spawnRole(args: string[]): ChildProcess {
  return fork(ROLES, args, { execArgv: ["--import", "tsx"], stdio: ["ignore", "inherit", "inherit", "ipc"] });
}

function next<T>(child: ChildProcess, accept: (message: unknown) => boolean = () => true): Promise<T> {
  return new Promise((resolve, reject) => {
    const onMessage = (message: unknown): void => {
      if (!accept(message)) return;
      child.off("message", onMessage);
      child.off("exit", onExit);
      resolve(message as T);
    };
    const onExit = (code: number | null): void =>
      reject(new Error(`bench child ${child.spawnargs.slice(-4).join(" ")} exited with ${code}`));
    child.on("message", onMessage);
    child.once("exit", onExit);
  });
}

/** One run: fresh proxy, subscriber and publisher processes; returns the subscriber's report. */
async function run(flavour: Flavour, command: GoCommand): Promise<SubscriberReport & { sent: number }> {
  const sent = command.mode === "throughput" ? command.messages : command.perSecond * command.seconds;
  const children: ChildProcess[] = [];
  try {
    const proxy = spawnRole(["proxy", flavour]);
    children.push(proxy);
    const { xsub, xpub } = await next<{ xsub: string; xpub: string }>(proxy);
    const sub = spawnRole(["sub", flavour, xpub, String(sent), xsub]);
    children.push(sub);
    await next(sub, (m) => m === "ready");
    const warm = next(sub, (m) => m === "warm");
    const report = next<SubscriberReport>(sub, (m) => typeof m === "object" && m !== null && "received" in m);
    const pub = spawnRole(["pub", flavour, xsub, xpub]);
    children.push(pub);
    await warm;
    pub.send(command);
    await next(pub, (m) => typeof m === "object" && m !== null && "done" in m);
    return { ...(await report), sent };
  } finally {
    for (const child of children) child.kill();
  }
}

const median = (values: number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? Number.NaN;
const fmt = (value: number, digits = 0): string =>
  value.toLocaleString("en-US", { maximumFractionDigits: digits, minimumFractionDigits: digits });

async function main(): Promise<void> {
  console.log(`# zmq transport bench: ${ROUNDS} rounds × ${fmt(MESSAGES)} messages; latency at ${fmt(RATE)} msg/s for ${SECONDS} s\n`);
  const throughput: Record<Flavour, Array<{ rate: number; lost: number }>> = { raw: [], plexus: [], "plexus-batch": [] };
  for (let round = 0; round < ROUNDS; round++) {
    for (const flavour of FLAVOURS) {
      const result = await run(flavour, { mode: "throughput", messages: MESSAGES });
      const rate = (result.received / result.elapsedMs) * 1000;
      throughput[flavour].push({ rate, lost: result.sent - result.received });
      console.error(`round ${round + 1} ${flavour}: ${fmt(rate)} msg/s, lost ${fmt(result.sent - result.received)}`);
    }
  }
  const latency = new Map<Flavour, SubscriberReport & { sent: number }>();
  for (const flavour of FLAVOURS) latency.set(flavour, await run(flavour, { mode: "rate", perSecond: RATE, seconds: SECONDS }));

  const rates = new Map(FLAVOURS.map((f) => [f, median(throughput[f].map((r) => r.rate))]));
  const rawRate = rates.get("raw") ?? Number.NaN;
  const cell = (f: Flavour, value: string, ratio?: number): string =>
    ratio === undefined || f === "raw" ? value : `${value} (${fmt(ratio, 2)}×)`;
  console.log(`| measure | ${FLAVOURS.map((f) => (f === "raw" ? "raw zeromq.js (baseline)" : f)).join(" | ")} |`);
  console.log(`|---|${FLAVOURS.map(() => "---:").join("|")}|`);
  console.log(
    `| throughput, median msg/s delivered (ratio to baseline) | ${FLAVOURS.map((f) => cell(f, fmt(rates.get(f) ?? Number.NaN), (rates.get(f) ?? Number.NaN) / rawRate)).join(" | ")} |`,
  );
  console.log(
    `| throughput, median lost of ${fmt(MESSAGES)} | ${FLAVOURS.map((f) => fmt(median(throughput[f].map((r) => r.lost)))).join(" | ")} |`,
  );
  console.log(
    `| ${fmt(RATE)} msg/s × ${SECONDS} s: lost | ${FLAVOURS.map((f) => {
      const r = latency.get(f);
      return r === undefined ? "-" : `${fmt(r.sent - r.received)} of ${fmt(r.sent)}`;
    }).join(" | ")} |`,
  );
  const rawLatency = latency.get("raw")?.latencyMs;
  for (const key of ["p50", "p99", "max"] as const) {
    const values = FLAVOURS.map((f) => {
      const value = latency.get(f)?.latencyMs?.[key] ?? Number.NaN;
      return cell(f, fmt(value, 2), value / (rawLatency?.[key] ?? Number.NaN));
    });
    console.log(`| ${fmt(RATE)} msg/s: latency ${key} ms | ${values.join(" | ")} |`);
  }
  console.log(
    `\nTargets: throughput ≥ 2× baseline; at ${fmt(RATE)} msg/s zero loss and p99 ≤ 5 ms. Raw loss is libzmq's silent HWM drop (default sockets).`,
  );
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
