/**
 * Embedding start-up benchmark: how long `import` + start of a small runtime takes, and how much
 * memory it holds, next to Moleculer and bare xstate measured in the same run.
 *
 * - plexus: the BUILT package (`dist/index.js`, rebuilt first), `createRuntime` with 2 actors of a
 *   trivial kind, memory transport, ops server off, silent logger.
 * - Moleculer: a `ServiceBroker` with 2 local services, no transporter, logger off.
 * - xstate: `createActor(...).start()` of 2 trivial machines (the floor: plexus hosts xstate actors).
 * - node: an empty script (what every row pays for the process itself).
 *
 * Every sample is a fresh `node` process (no tsx loader in the children); contenders are
 * interleaved so that a busy machine slows all of them alike. Times are from process start (and
 * from just before the first import) to "started"; RSS is read right after start.
 *
 *   npx tsx bench/embed-startup.ts [samples]     (default 21; --no-build reuses dist/)
 */
import { execFileSync } from "node:child_process";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { recordHeadlines } from "./lib/headline.js";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const SAMPLES = Math.max(15, Number(process.argv.find((arg) => /^\d+$/.test(arg)) ?? 21));
const DIST_INDEX = pathToFileURL(path.join(ROOT, "dist", "index.js")).href;

/** What each child prints: measured inside the child, so spawn overhead is not counted. */
interface Sample {
  /** performance.now() at "started": milliseconds since the process started. */
  sinceProcessMs: number;
  /** Milliseconds from just before the first import to "started". */
  sinceImportMs: number;
  rssMb: number;
  heapUsedMb: number;
}

const REPORT = `
const memory = process.memoryUsage();
process.stdout.write(JSON.stringify({
  sinceProcessMs: performance.now(),
  sinceImportMs: performance.now() - t0,
  rssMb: memory.rss / 1048576,
  heapUsedMb: memory.heapUsed / 1048576,
}));`;

/** ESM source of each contender's child process; `t0` is taken before anything is imported. */
const CONTENDERS: Record<string, string> = {
  plexus: `
const t0 = performance.now();
const { createRuntime, defineActor, silentLogger } = await import(${JSON.stringify(DIST_INDEX)});
const trivial = defineActor({ kind: "trivial", start: () => () => undefined });
const runtime = createRuntime({
  logger: silentLogger(),
  kinds: [trivial],
  config: {
    runtime: { name: "bench", ops: { enabled: false } },
    transport: { kind: "memory" },
    children: [{ id: "a", kind: "trivial" }, { id: "b", kind: "trivial" }],
  },
});
await runtime.start();
${REPORT}
await runtime.stop();`,
  moleculer: `
const t0 = performance.now();
const { ServiceBroker } = await import("moleculer");
const broker = new ServiceBroker({ transporter: null, logger: false });
broker.createService({ name: "a", actions: { ping: () => "a" } });
broker.createService({ name: "b", actions: { ping: () => "b" } });
await broker.start();
${REPORT}
await broker.stop();`,
  xstate: `
const t0 = performance.now();
const { createActor, createMachine } = await import("xstate");
const machine = (id) => createMachine({ id, initial: "idle", states: { idle: { on: { PING: "idle" } } } });
const actors = [createActor(machine("a")).start(), createActor(machine("b")).start()];
${REPORT}
for (const actor of actors) actor.stop();`,
  node: `
const t0 = performance.now();
${REPORT}`,
};

function sample(source: string): Sample {
  const out = execFileSync(process.execPath, ["--input-type=module", "--eval", source], { cwd: ROOT, encoding: "utf8" });
  return JSON.parse(out) as Sample;
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))] ?? Number.NaN;
}

function main(): void {
  if (!process.argv.includes("--no-build")) {
    execFileSync(process.execPath, [path.join(ROOT, "node_modules", "typescript", "bin", "tsc"), "-p", "tsconfig.build.json"], {
      cwd: ROOT,
      stdio: "inherit",
    });
  }
  const names = Object.keys(CONTENDERS);
  const results = new Map<string, Sample[]>(names.map((name) => [name, []]));
  for (const name of names) sample(CONTENDERS[name]!); // warm the file-system cache once
  for (let round = 0; round < SAMPLES; round += 1) {
    // Rotate the order each round, so no contender always runs right after another.
    for (let i = 0; i < names.length; i += 1) {
      const name = names[(round + i) % names.length]!;
      results.get(name)!.push(sample(CONTENDERS[name]!));
    }
  }

  const figure = (name: string, key: keyof Sample, p: number) =>
    percentile(
      results.get(name)!.map((s) => s[key]),
      p,
    );
  const ratio = (a: number, b: number) => `${(a / b).toFixed(2)}×`;
  console.log(`\n## Embed start-up (node ${process.version}, ${SAMPLES} fresh processes per row, interleaved)\n`);
  console.log(
    "| contender | process start → started, median / p90 ms | import → started, median / p90 ms | RSS after start, median / p90 MB | heap used, median MB |",
  );
  console.log("|---|---:|---:|---:|---:|");
  for (const name of names) {
    const cell = (key: keyof Sample, digits: number) =>
      `${figure(name, key, 0.5).toFixed(digits)} / ${figure(name, key, 0.9).toFixed(digits)}`;
    console.log(
      `| ${name} | ${cell("sinceProcessMs", 0)} | ${cell("sinceImportMs", 0)} | ${cell("rssMb", 1)} | ${figure(name, "heapUsedMb", 0.5).toFixed(1)} |`,
    );
  }
  console.log("\n| ratio of medians | process start → started | import → started | RSS |");
  console.log("|---|---:|---:|---:|");
  for (const [label, other] of [
    ["plexus / moleculer", "moleculer"],
    ["plexus / xstate", "xstate"],
  ] as const) {
    const of = (key: keyof Sample) => ratio(figure("plexus", key, 0.5), figure(other, key, 0.5));
    console.log(`| ${label} | ${of("sinceProcessMs")} | ${of("sinceImportMs")} | ${of("rssMb")} |`);
  }
  const plexus = { ms: figure("plexus", "sinceProcessMs", 0.5), rss: figure("plexus", "rssMb", 0.5) };
  const moleculer = { ms: figure("moleculer", "sinceProcessMs", 0.5), rss: figure("moleculer", "rssMb", 0.5) };
  console.log(`\nTarget plexus ≤ Moleculer: time ${plexus.ms <= moleculer.ms ? "✓" : "✗"}, RSS ${plexus.rss <= moleculer.rss ? "✓" : "✗"}`);
  recordHeadlines("embed-startup", [
    {
      measure: "embedded start-up, process start → started, ms",
      plexus: plexus.ms,
      baselineName: "Moleculer",
      baseline: moleculer.ms,
      target: "≤ Moleculer",
      met: plexus.ms <= moleculer.ms,
      digits: 0,
    },
    {
      measure: "embedded start-up, RSS MB",
      plexus: plexus.rss,
      baselineName: "Moleculer",
      baseline: moleculer.rss,
      target: "≤ Moleculer",
      met: plexus.rss <= moleculer.rss,
    },
  ]);
}

main();
