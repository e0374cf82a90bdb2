/**
 * The control plane over Redis: lifecycle commands sent at RATE/s to a lifecycle-controller
 * running in its own process (a runtime started from a config file, as `plexus start` would),
 * which is SIGKILLed halfway and started again on the same state directory and Redis stream. The
 * client sends each command once and sends it again (same commandId) when no ack came within
 * RETRY_MS, keeping one command at a time per entity (1,000 entities walking the seed lifecycle
 * round and round: GERMINATE … CULL, EMBARGO, LIFT_EMBARGO, RESET_COMPLETE). At the end it reads
 * the whole event log back through `kasmina.events.replay` and counts
 *
 * - lost: commands never acked;
 * - doubly applied: commandIds that appear more than once in the log, or acks that disagree;
 * - rejected: acks with accepted false (every command sent is legal, so any is a fault);
 *
 * and the command → ack latency (p50/p99 in steady state, i.e. leaving out the first two seconds
 * and what was sent from the kill until GRACE_MS after the restart; and over all commands). The baseline, in the same run: the same
 * client against a child runtime whose actor acks each command at once on the same bus (no
 * lifecycle, no log): the bus round trip the controller adds its work to.
 *
 *   npx tsx bench/control.ts                    100,000 commands (about 2 minutes)
 *   COMMANDS=10000 npx tsx bench/control.ts     the short run (run-all's default)
 *
 * Env: PLEXUS_BENCH_REDIS_URL (default redis://127.0.0.1:6379), COMMANDS (default 100000 alone,
 * 10000 under run-all), RATE (commands/s, default 1000), BASELINE_COMMANDS (default 10000),
 * RETRY_MS (default 3000). Every run uses its own key prefix and deletes its keys after.
 */
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { Redis } from "ioredis";
import type { ReplayPage } from "../src/actors/control/actor.js";
import type { LifecycleAck, LoggedTransition } from "../src/actors/control/lifecycle-ack.js";
import { createLogger } from "../src/common/logger.js";
import { createRuntime, defineActor } from "../src/index.js";
import { loadConfig } from "../src/runtime/config/load-config.js";
import { openDirectBus } from "../src/runtime/direct-bus.js";
import { BenchChild } from "./lib/bench-child.js";
import { recordHeadlines } from "./lib/headline.js";

const url = process.env.PLEXUS_BENCH_REDIS_URL ?? "redis://127.0.0.1:6379";
const underRunAll = process.env.PLEXUS_BENCH_HEADLINES !== undefined;
const commands = Number(process.env.COMMANDS ?? (underRunAll ? 10_000 : 100_000));
const baselineCommands = Number(process.env.BASELINE_COMMANDS ?? 10_000);
const rate = Number(process.env.RATE ?? 1_000);
const retryMs = Number(process.env.RETRY_MS ?? 3_000);
const self = fileURLToPath(import.meta.url);

const COMMAND_TOPIC = "kasmina.control.lifecycle.transition";
const ACK_TOPIC = "kasmina.control.lifecycle.ack";
const CYCLE = [
  "GERMINATE",
  "START_TRAINING",
  "START_GRAFTING",
  "STABILIZE",
  "EVALUATE",
  "CULL",
  "EMBARGO",
  "LIFT_EMBARGO",
  "RESET_COMPLETE",
];
const ENTITIES = 1_000;
/** After the restart, the backlog of commands sent during the outage drains: latency figures leave out what was sent this long after it. */
const GRACE_MS = 5_000;

/** The baseline's actor: acks every command at once, on the same bus, with the same ack shape. */
const echoActor = defineActor({
  kind: "bench-echo",
  async start(ctx) {
    await ctx.bus.subscribe(
      COMMAND_TOPIC,
      async (envelope) => {
        const { commandId, entityId } = envelope.payload as { commandId: string; entityId: string };
        await ctx.bus.publish(ACK_TOPIC, { commandId, entityId, accepted: true, from: "?", to: "?" });
      },
      { concurrency: 1100 },
    );
  },
});

/** Child role: a runtime from `configFile`; says "ready" over IPC once running. */
async function runRuntimeChild(configFile: string): Promise<void> {
  const runtime = createRuntime({ config: configFile, kinds: [echoActor], logger: createLogger({ name: "bench-control", level: "warn" }) });
  await runtime.start();
  process.send?.({ ready: true });
  process.on("SIGTERM", () => void runtime.stop().then(() => process.exit(0)));
}

interface Sent {
  commandId: string;
  entityId: string;
  operation: string;
  firstSentAt: number;
  lastSentAt: number;
  ack?: LifecycleAck;
  ackedAt?: number;
  /** Sent during warm-up, while the controller was down or restarting, or within GRACE_MS of its restart. */
  disturbed: boolean;
  /** Sent after the restart. */
  afterRestart: boolean;
}

interface PhaseResult {
  sent: number;
  acked: number;
  lost: number;
  rejected: number;
  retries: number;
  mismatchedAcks: number;
  steady: { p50: number; p99: number; max: number; count: number };
  beforeKill: { p50: number; p99: number };
  afterRestart: { p50: number; p99: number };
  all: { p50: number; p99: number; max: number };
  seconds: number;
  downMs?: number;
  logRecords?: number;
  doublyApplied?: number;
  missingFromLog?: number;
}

function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] as number;
}

async function writeConfig(dir: string, prefix: string, kind: string): Promise<string> {
  const file = join(dir, `${kind}.yaml`);
  await writeFile(
    file,
    [
      "runtime: { name: bench-control, ops: { enabled: false }, stateDir: " + JSON.stringify(join(dir, "state")) + " }",
      `transport: { kind: redis, url: ${JSON.stringify(url)}, prefix: ${JSON.stringify(prefix)}, claimIdleMs: 1s }`,
      "children:",
      `  - { id: control, kind: ${kind} }`,
      "",
    ].join("\n"),
  );
  return file;
}

async function startChild(configFile: string): Promise<BenchChild> {
  const child = BenchChild.node(self, ["runtime", configFile]);
  await child.next((message) => (message as { ready?: boolean }).ready === true);
  return child;
}

/** Sends `total` commands at `rate`/s against the child runtime of `kind`; with `killAt`, SIGKILLs and restarts it after that many. */
async function runPhase(kind: string, total: number, killAt: number | undefined): Promise<PhaseResult> {
  const prefix = `plexus-bench-control-${process.pid}-${Date.now().toString(36)}-${kind}`;
  const dir = await mkdtemp(join(tmpdir(), "plexus-bench-control-"));
  const configFile = await writeConfig(dir, prefix, kind);
  const log = createLogger({ name: "bench-client", level: "warn" });
  const client = await openDirectBus(await loadConfig(configFile, { kinds: new Map(), acceptUnknownKinds: true, opsUnused: true }), {
    log,
  });
  let child = await startChild(configFile);
  const byId = new Map<string, Sent>();
  const outstanding = new Map<string, Sent>();
  let mismatchedAcks = 0;
  await client.bus.subscribe<LifecycleAck>(
    ACK_TOPIC,
    (envelope) => {
      const ack = envelope.payload;
      const sent = byId.get(ack.commandId);
      if (sent === undefined) return;
      if (sent.ack === undefined) {
        sent.ack = ack;
        sent.ackedAt = performance.now();
        outstanding.delete(sent.entityId);
      } else if (JSON.stringify(sent.ack) !== JSON.stringify(ack)) mismatchedAcks++;
    },
    { ephemeral: true, concurrency: 64 },
  );
  const step = new Map<string, number>();
  let next = 0;
  let entityCursor = 0;
  let retries = 0;
  let disturbedUntil = -1;
  let down = false;
  let downMs: number | undefined;
  let killedAt: number | undefined;
  let restarting: Promise<void> | undefined;
  const send = (sent: Sent): void => {
    sent.lastSentAt = performance.now();
    void client.bus.publish(COMMAND_TOPIC, { commandId: sent.commandId, entityId: sent.entityId, operation: sent.operation });
  };
  const started = performance.now();
  const tickMs = 10;
  let due = 0;
  while (next < total || outstanding.size > 0) {
    const now = performance.now();
    if (now - started > (total / rate) * 1000 + 120_000) break;
    due = Math.min(total, Math.floor(((now - started) / 1000) * rate));
    while (next < due) {
      // The next entity with nothing in flight; one command at a time per entity keeps each legal.
      let tries = 0;
      while (outstanding.has(`e${entityCursor}`) && tries++ < ENTITIES) entityCursor = (entityCursor + 1) % ENTITIES;
      if (tries >= ENTITIES) break;
      const entityId = `e${entityCursor}`;
      entityCursor = (entityCursor + 1) % ENTITIES;
      const position = step.get(entityId) ?? 0;
      step.set(entityId, position + 1);
      const sent: Sent = {
        commandId: `${kind}-${next}`,
        entityId,
        operation: CYCLE[position % CYCLE.length] as string,
        firstSentAt: performance.now(),
        lastSentAt: 0,
        // The first two seconds warm up (JIT, connections, consumer groups): counted for loss, not for latency.
        disturbed: down || performance.now() < disturbedUntil || performance.now() - started < 2_000,
        afterRestart: killedAt !== undefined,
      };
      byId.set(sent.commandId, sent);
      outstanding.set(entityId, sent);
      send(sent);
      next++;
    }
    for (const sent of outstanding.values()) {
      if (now - sent.lastSentAt > retryMs) {
        retries++;
        send(sent);
      }
    }
    if (killAt !== undefined && next >= killAt && killedAt === undefined) {
      killedAt = performance.now();
      down = true;
      // Everything in flight now is disturbed by the kill.
      for (const sent of outstanding.values()) sent.disturbed = true;
      child.process.kill("SIGKILL");
      // The client goes on sending meanwhile, as real producers would: commands wait in Redis.
      restarting = new Promise<void>((resolve) => child.process.once("exit", () => resolve()))
        .then(() => startChild(configFile))
        .then((restarted) => {
          child = restarted;
          downMs = performance.now() - (killedAt as number);
          down = false;
          disturbedUntil = performance.now() + GRACE_MS;
        });
    }
    await new Promise((resolve) => setTimeout(resolve, tickMs));
  }
  await restarting;
  const seconds = (performance.now() - started) / 1000;
  let logRecords: number | undefined;
  let doublyApplied: number | undefined;
  let missingFromLog: number | undefined;
  if (kind === "lifecycle-controller") {
    const counts = new Map<string, number>();
    let fromSeq = 1;
    logRecords = 0;
    for (;;) {
      const page = await client.bus.request<ReplayPage>("kasmina.events.replay", { fromSeq, limit: 1000 }, { timeoutMs: 10_000 });
      for (const event of page.events as LoggedTransition[]) counts.set(event.commandId, (counts.get(event.commandId) ?? 0) + 1);
      logRecords += page.events.length;
      if (page.events.length === 0 || page.nextSeq > page.lastSeq) break;
      fromSeq = page.nextSeq;
    }
    doublyApplied = [...counts.values()].filter((count) => count > 1).length;
    missingFromLog = [...byId.values()].filter((sent) => sent.ack?.accepted === true && !counts.has(sent.commandId)).length;
  }
  await child.kill();
  await client.close();
  const admin = new Redis(url);
  let cursor = "0";
  do {
    const [nextCursor, keys] = await admin.scan(cursor, "MATCH", `${prefix}*`, "COUNT", 1000);
    cursor = nextCursor;
    if (keys.length > 0) await admin.del(...keys);
  } while (cursor !== "0");
  admin.disconnect();
  await rm(dir, { recursive: true, force: true });

  const all = [...byId.values()];
  const acked = all.filter((sent) => sent.ack !== undefined);
  const latencies = (list: Sent[]) => list.map((sent) => (sent.ackedAt as number) - sent.firstSentAt).sort((a, b) => a - b);
  const steadyList = latencies(acked.filter((sent) => !sent.disturbed));
  const allList = latencies(acked);
  const beforeList = latencies(acked.filter((sent) => !sent.disturbed && !sent.afterRestart));
  const afterList = latencies(acked.filter((sent) => !sent.disturbed && sent.afterRestart));
  return {
    sent: all.length,
    acked: acked.length,
    lost: all.length - acked.length,
    rejected: acked.filter((sent) => sent.ack?.accepted === false).length,
    retries,
    mismatchedAcks,
    steady: {
      p50: quantile(steadyList, 0.5),
      p99: quantile(steadyList, 0.99),
      max: steadyList[steadyList.length - 1] ?? Number.NaN,
      count: steadyList.length,
    },
    beforeKill: { p50: quantile(beforeList, 0.5), p99: quantile(beforeList, 0.99) },
    afterRestart: { p50: quantile(afterList, 0.5), p99: quantile(afterList, 0.99) },
    all: { p50: quantile(allList, 0.5), p99: quantile(allList, 0.99), max: allList[allList.length - 1] ?? Number.NaN },
    seconds,
    ...(downMs === undefined ? {} : { downMs }),
    ...(logRecords === undefined ? {} : { logRecords, doublyApplied, missingFromLog }),
  };
}

async function main(): Promise<void> {
  console.log(
    `control plane over redis: ${commands} commands at ${rate}/s, controller SIGKILLed and restarted after ${commands / 2}; baseline ${baselineCommands} commands`,
  );
  const baseline = await runPhase("bench-echo", baselineCommands, undefined);
  const control = await runPhase("lifecycle-controller", commands, Math.floor(commands / 2));
  const ms = (value: number) => value.toFixed(2);
  const rows = [
    ["", "controller (killed midway)", "baseline: echo actor, same bus"],
    ["commands sent / acked", `${control.sent} / ${control.acked}`, `${baseline.sent} / ${baseline.acked}`],
    ["lost (never acked)", String(control.lost), String(baseline.lost)],
    ["doubly applied (log)", String(control.doublyApplied), "-"],
    ["accepted but not in log", String(control.missingFromLog), "-"],
    ["event log records", String(control.logRecords), "-"],
    ["rejected acks", String(control.rejected), "-"],
    ["acks differing on repeat", String(control.mismatchedAcks), String(baseline.mismatchedAcks)],
    ["re-sent after RETRY_MS", String(control.retries), String(baseline.retries)],
    ["kill → running again, ms", control.downMs === undefined ? "-" : control.downMs.toFixed(0), "-"],
    ["ack p50, ms (steady)", ms(control.steady.p50), ms(baseline.steady.p50)],
    ["ack p99, ms (steady)", ms(control.steady.p99), ms(baseline.steady.p99)],
    ["ack max, ms (steady)", ms(control.steady.max), ms(baseline.steady.max)],
    [
      "ack p50 / p99 / max, ms (all)",
      `${ms(control.all.p50)} / ${ms(control.all.p99)} / ${ms(control.all.max)}`,
      `${ms(baseline.all.p50)} / ${ms(baseline.all.p99)} / ${ms(baseline.all.max)}`,
    ],
    ["steady p50 / p99 before the kill, ms", `${ms(control.beforeKill.p50)} / ${ms(control.beforeKill.p99)}`, "-"],
    ["steady p50 / p99 after the restart, ms", `${ms(control.afterRestart.p50)} / ${ms(control.afterRestart.p99)}`, "-"],
    ["commands in steady figures", String(control.steady.count), String(baseline.steady.count)],
    ["wall time, s", control.seconds.toFixed(1), baseline.seconds.toFixed(1)],
  ];
  const widths = rows[0]!.map((_, column) => Math.max(...rows.map((row) => row[column]!.length)));
  for (const row of rows) console.log(row.map((cell, column) => cell.padEnd(widths[column]!)).join("  "));
  console.log(`p99 ratio controller / baseline (steady): ${(control.steady.p99 / baseline.steady.p99).toFixed(2)}×`);
  recordHeadlines("control", [
    {
      measure: "command → ack p99 (steady), ms",
      plexus: control.steady.p99,
      baselineName: "echo actor on the same bus",
      baseline: baseline.steady.p99,
      target: "≤ 10 ms",
      met: control.steady.p99 <= 10,
      digits: 2,
    },
    {
      measure: "commands lost + doubly applied (kill midway)",
      plexus: control.lost + (control.doublyApplied ?? 0),
      baselineName: "echo actor (not killed)",
      baseline: baseline.lost,
      target: "0",
      met: control.lost + (control.doublyApplied ?? 0) === 0,
      digits: 0,
    },
  ]);
  if (control.lost > 0 || (control.doublyApplied ?? 0) > 0 || control.rejected > 0 || control.mismatchedAcks > 0) process.exitCode = 1;
}

if (process.argv[2] === "runtime") await runRuntimeChild(process.argv[3] as string);
else await main();
