/**
 * Supervisor benchmark: crash → running latency and start+stop of 10,000 trivial actors, each
 * next to a hand-written baseline measured in the same run (plain objects with start/stop
 * functions; a try/catch restart). Each start/stop round runs in a fresh child process so that its
 * peak RSS is its own.
 *
 *   npx tsx bench/supervisor.ts
 */
import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { defineActor, type AnyActorDefinition } from "../src/runtime/define-actor.js";
import { type ActorContext } from "../src/runtime/actor-context.js";
import type { SupervisorChildSpec, WorkerChildSpec } from "../src/runtime/supervision/child-spec.js";
import { silentLogger } from "../src/common/logger.js";
import { createSupervisionTree } from "../src/runtime/supervision/tree.js";
import { createTestContext } from "../src/testing/test-context.js";
import { recordHeadlines } from "./lib/headline.js";

const ACTORS: number = 10_000;
const CRASHES = 2_000;
const ROUNDS = 5;
/** Children crashed at once in the mass-restart row, under the default backoff (100 ms, jitter 0.2). */
const MASS = 200;
const MASS_ROUNDS = 3;
const DEFAULT_BACKOFF = { minMs: 100, maxMs: 30_000, jitter: 0.2 };

interface Figures {
  ms: number;
  /** CPU time (user + system): steadier than wall time on a shared machine. */
  cpuMs: number;
  peakRssMb: number;
}

function cpuMsSince(start: NodeJS.CpuUsage): number {
  const used = process.cpuUsage(start);
  return (used.user + used.system) / 1_000;
}

const log = silentLogger();
let live = 0;
const trivial: AnyActorDefinition = defineActor({
  kind: "trivial",
  start() {
    live += 1;
    return () => void (live -= 1);
  },
});

function rootWith(children: WorkerChildSpec[]): SupervisorChildSpec {
  return {
    id: "root",
    restart: "permanent",
    shutdownMs: 60_000,
    children,
    supervisor: {
      strategy: "one_for_one",
      intensity: 1_000_000_000,
      periodMs: 1_000,
      backoff: { minMs: 0, maxMs: 0, jitter: 0 },
      stableMs: 1_000,
    },
  };
}

function worker(id: string): WorkerChildSpec {
  return { id, kind: "trivial", restart: "permanent", shutdownMs: 1_000, options: {} };
}

async function supervisedStartStop(): Promise<Figures> {
  const children = Array.from({ length: ACTORS }, (_, i) => worker(`w${i}`));
  const cpu = process.cpuUsage();
  const started = performance.now();
  const tree = createSupervisionTree({
    root: rootWith(children),
    kinds: new Map([["trivial", trivial]]),
    makeContext: ({ spec, path, signal, fail }) => createTestContext({ id: spec.id, path, signal, fail, log }),
    onLifecycle: () => undefined,
    log,
  });
  await tree.start();
  if (live !== ACTORS) throw new Error(`expected ${ACTORS} running, got ${live}`);
  await tree.stop();
  if (live !== 0) throw new Error(`expected none running, got ${live}`);
  return { ms: performance.now() - started, cpuMs: cpuMsSince(cpu), peakRssMb: process.resourceUsage().maxRSS / 1024 };
}

async function manualStartStop(): Promise<Figures> {
  const cpu = process.cpuUsage();
  const started = performance.now();
  const controller = new AbortController();
  const stops: (() => void)[] = [];
  for (let i = 0; i < ACTORS; i += 1) {
    const context = createTestContext({ id: `w${i}`, path: `root/w${i}`, signal: controller.signal, fail: () => undefined, log });
    const stop = await (trivial.start as (c: ActorContext) => Promise<() => void>)(context);
    stops.push(stop);
  }
  for (let i = stops.length - 1; i >= 0; i -= 1) stops[i]?.();
  if (live !== 0) throw new Error("manual baseline leaked");
  return { ms: performance.now() - started, cpuMs: cpuMsSince(cpu), peakRssMb: process.resourceUsage().maxRSS / 1024 };
}

async function supervisedCrashLatencies(): Promise<number[]> {
  let fail: ((error: unknown) => void) | undefined;
  let onRunning: (() => void) | undefined;
  const tree = createSupervisionTree({
    root: rootWith([worker("victim")]),
    kinds: new Map([["trivial", trivial]]),
    makeContext: ({ spec, path, signal, fail: failThis }) => {
      fail = failThis;
      return createTestContext({ id: spec.id, path, signal, fail: failThis, log });
    },
    onLifecycle: (event) => {
      if (event.id === "victim" && event.state === "running") onRunning?.();
    },
    log,
  });
  await tree.start();
  const latencies: number[] = [];
  const crash = new Error("bench crash");
  for (let i = 0; i < CRASHES; i += 1) {
    const running = new Promise<void>((resolve) => (onRunning = resolve));
    const started = performance.now();
    fail?.(crash);
    await running;
    latencies.push(performance.now() - started);
  }
  await tree.stop();
  return latencies;
}

async function manualCrashLatencies(): Promise<number[]> {
  const controller = new AbortController();
  const context = createTestContext({ id: "victim", path: "root/victim", signal: controller.signal, fail: () => undefined, log });
  const start = trivial.start as (c: ActorContext) => Promise<() => void>;
  let stop = await start(context);
  const latencies: number[] = [];
  for (let i = 0; i < CRASHES; i += 1) {
    const started = performance.now();
    try {
      throw new Error("bench crash");
    } catch {
      stop();
      stop = await start(context);
    }
    latencies.push(performance.now() - started);
  }
  stop();
  return latencies;
}

/**
 * MASS one_for_one children crash in the same tick (intensity 1000): ms until every one runs
 * again. Each waits its own backoff (~100 ms), so concurrent restarts take about one backoff.
 */
async function supervisedMassRestart(): Promise<number> {
  const fails = new Map<string, (error: unknown) => void>();
  let running = 0;
  let allRunning: (() => void) | undefined;
  const tree = createSupervisionTree({
    root: {
      ...rootWith(Array.from({ length: MASS }, (_, i) => worker(`m${i}`))),
      supervisor: { strategy: "one_for_one", intensity: 1_000, periodMs: 30_000, backoff: DEFAULT_BACKOFF, stableMs: 30_000 },
    },
    kinds: new Map([["trivial", trivial]]),
    makeContext: ({ spec, path, signal, fail }) => {
      fails.set(path, fail);
      return createTestContext({ id: spec.id, path, signal, fail, log });
    },
    onLifecycle: (event) => {
      if (event.path === "root") return;
      if (event.state === "running" && ++running === MASS) allRunning?.();
    },
    log,
  });
  await tree.start();
  running = 0;
  const done = new Promise<void>((resolve) => (allRunning = resolve));
  const started = performance.now();
  const crash = new Error("bench crash");
  for (const fail of [...fails.values()]) fail(crash);
  await done;
  const ms = performance.now() - started;
  await tree.stop();
  return ms;
}

/** The same by hand: each crashed actor restarts after its own jittered backoff timer. */
async function manualMassRestart(): Promise<number> {
  const started = performance.now();
  await Promise.all(
    Array.from({ length: MASS }, async () => {
      const delay = DEFAULT_BACKOFF.minMs * (1 - DEFAULT_BACKOFF.jitter + 2 * DEFAULT_BACKOFF.jitter * Math.random());
      await new Promise((resolve) => setTimeout(resolve, delay));
      const controller = new AbortController();
      const context = createTestContext({ id: "m", path: "root/m", signal: controller.signal, fail: () => undefined, log });
      const stop = await (trivial.start as (c: ActorContext) => Promise<() => void>)(context);
      stop();
    }),
  );
  return performance.now() - started;
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))] ?? Number.NaN;
}

function median(values: number[]): number {
  return percentile(
    [...values].sort((a, b) => a - b),
    0.5,
  );
}

async function child(scenario: string): Promise<void> {
  const result = scenario === "supervised" ? await supervisedStartStop() : await manualStartStop();
  process.stdout.write(JSON.stringify(result));
}

async function main(): Promise<void> {
  const self = fileURLToPath(import.meta.url);
  const run = (scenario: string): Figures =>
    JSON.parse(execFileSync(process.execPath, [...process.execArgv, self, scenario], { encoding: "utf8" })) as Figures;
  const supervised: Figures[] = [];
  const manual: Figures[] = [];
  for (let round = 0; round < ROUNDS; round += 1) {
    manual.push(run("manual"));
    supervised.push(run("supervised"));
  }
  // Crash latency: warm up once, then take the later run of each.
  await manualCrashLatencies();
  await supervisedCrashLatencies();
  const manualCrash = (await manualCrashLatencies()).sort((a, b) => a - b);
  const supervisedCrash = (await supervisedCrashLatencies()).sort((a, b) => a - b);
  const massSupervised: number[] = [];
  const massManual: number[] = [];
  await manualMassRestart(); // warm-up, as for the crash latencies
  await supervisedMassRestart();
  for (let round = 0; round < MASS_ROUNDS; round += 1) {
    massManual.push(await manualMassRestart());
    massSupervised.push(await supervisedMassRestart());
  }
  const mass = { sup: median(massSupervised), man: median(massManual) };

  const ms = (value: number): string => value.toFixed(3);
  const ratio = (a: number, b: number): string => `${(a / b).toFixed(1)}×`;
  const startStop = { sup: median(supervised.map((f) => f.ms)), man: median(manual.map((f) => f.ms)) };
  const cpuTime = { sup: median(supervised.map((f) => f.cpuMs)), man: median(manual.map((f) => f.cpuMs)) };
  const rss = { sup: median(supervised.map((f) => f.peakRssMb)), man: median(manual.map((f) => f.peakRssMb)) };
  const crash = {
    sup50: percentile(supervisedCrash, 0.5),
    man50: percentile(manualCrash, 0.5),
    sup99: percentile(supervisedCrash, 0.99),
    man99: percentile(manualCrash, 0.99),
  };
  console.log(`\n## Supervisor benchmark (node ${process.version}, ${ROUNDS} rounds, ${CRASHES} crashes)\n`);
  console.log("| workload | supervised | baseline (by hand) | ratio |");
  console.log("|---|---:|---:|---:|");
  console.log(
    `| start+stop ${ACTORS} actors, median ms | ${ms(startStop.sup)} | ${ms(startStop.man)} | ${ratio(startStop.sup, startStop.man)} |`,
  );
  console.log(
    `| start+stop ${ACTORS} actors, median CPU ms | ${ms(cpuTime.sup)} | ${ms(cpuTime.man)} | ${ratio(cpuTime.sup, cpuTime.man)} |`,
  );
  console.log(
    `| start+stop ${ACTORS} actors, peak RSS MB (median) | ${rss.sup.toFixed(0)} | ${rss.man.toFixed(0)} | ${ratio(rss.sup, rss.man)} |`,
  );
  console.log(`| crash → running, median ms | ${ms(crash.sup50)} | ${ms(crash.man50)} | ${ratio(crash.sup50, crash.man50)} |`);
  console.log(`| crash → running, p99 ms | ${ms(crash.sup99)} | ${ms(crash.man99)} | ${ratio(crash.sup99, crash.man99)} |`);
  console.log(
    `| ${MASS} crashed at once → all running (one_for_one, backoff 100 ms ±20%), median ms | ${mass.sup.toFixed(0)} | ${mass.man.toFixed(0)} | ${ratio(mass.sup, mass.man)} |`,
  );
  console.log(
    `\nTargets: start+stop ≤ 2000 ms and ≤ 300 MB; crash → running median ≤ 1 ms; ${MASS} crashed at once ≤ 2× one backoff by hand.`,
  );
  recordHeadlines("supervisor", [
    {
      measure: `start+stop ${ACTORS} actors, ms`,
      plexus: startStop.sup,
      baselineName: "by hand",
      baseline: startStop.man,
      target: "≤ 2000 ms",
      met: startStop.sup <= 2000,
      digits: 0,
    },
    {
      measure: "crash → running, median ms",
      plexus: crash.sup50,
      baselineName: "by hand",
      baseline: crash.man50,
      target: "≤ 1 ms",
      met: crash.sup50 <= 1,
      digits: 3,
    },
    {
      measure: `${MASS} crashed at once → all running, ms`,
      plexus: mass.sup,
      baselineName: "by hand",
      baseline: mass.man,
      target: "≤ 2× by hand",
      met: mass.sup <= 2 * mass.man,
      digits: 0,
    },
  ]);
  console.log(
    `Peak RSS includes the tsx loader (~80 MB); the baseline column shows that floor. Load average: ${(await import("node:os")).loadavg()[0]?.toFixed(1)}.`,
  );
}

const scenario = process.argv[2];
if (scenario === "supervised" || scenario === "manual") await child(scenario);
else await main();
