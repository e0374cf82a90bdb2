/**
 * The integration monitor's analysis over generated trees (bench/lib/source-tree.ts: half
 * Python, half TypeScript, ~200 lines a file), each contender in a fresh process, same run:
 *
 * - cold scan with the worker pool (`workers: 2`, the default) against the same analysis on one
 *   thread: in the scanning process itself, no pool (the target's baseline); beside it, a pool of
 *   one worker thread (`workers: 1`), whose main thread still reads, hashes and indexes in parallel;
 * - the Python files alone, against CPython parsing each with its `ast` module and walking it once
 *   (what the batch monitors being replaced did) — the baseline a user would otherwise run;
 * - warm start: the same scan from the previous scan's snapshot, nothing changed.
 *
 *   npx tsx bench/monitor-cold.ts          (SIZES=1000,10000 ROUNDS=3 PYTHON=python3)
 *
 * Targets: 10,000 files cold ≤ 30 s and ≥ 1.7× one thread; the Python files at least as fast as
 * CPython's ast; warm start ≤ 3 s.
 */
import { execFileSync, spawn } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { recordHeadlines } from "./lib/headline.js";
import { writeSourceTree } from "./lib/source-tree.js";

const SIZES = (process.env.SIZES ?? "1000,10000").split(",").map(Number);
const ROUNDS = Number(process.env.ROUNDS ?? 3);
const PYTHON = process.env.PYTHON ?? "python3";
const self = fileURLToPath(import.meta.url);

type Contender = "pool" | "one-thread" | "one-worker" | "pool-python-only" | "warm";

/** Child: one scan of `dir`, printing { ms, files, analysed } as JSON. */
async function child(contender: Contender, dir: string, cache: string): Promise<void> {
  const [{ builtinKinds }, { isMonitorKind }, { runScan }, { KindOptionsValidator }, { silentLogger }] = await Promise.all([
    import("../src/actors/builtin-kinds.js"),
    import("../src/actors/monitors/define-monitor.js"),
    import("../src/actors/monitors/run-scan.js"),
    import("../src/runtime/config/kind-options.js"),
    import("../src/common/logger.js"),
  ]);
  const kind = builtinKinds.filter(isMonitorKind).find((candidate) => candidate.kind === "integration-monitor");
  if (!kind) throw new Error("no integration-monitor kind");
  const raw: Record<string, unknown> = {
    watch: dir,
    workers: contender === "one-worker" ? 1 : 2,
    cache: { files: 20_000, bytes: 200 * 2 ** 20 },
    ...(contender === "pool-python-only" ? { include: ["**/*.py"] } : {}),
  };
  const { options, issues } = new KindOptionsValidator(new Map([[kind.kind, kind]])).validate(kind, raw, []);
  if (issues.length > 0) throw new Error(issues.map((issue) => issue.message).join("; "));
  const previous = contender === "warm" ? (JSON.parse(await readFile(cache, "utf8")) as unknown) : undefined;
  const started = performance.now();
  const { report, snapshot } = await runScan(kind.monitorSpec as never, options as never, {
    log: silentLogger(),
    previous,
    inProcess: contender === "one-thread",
  });
  const ms = performance.now() - started;
  if (contender === "pool") await writeFile(cache, JSON.stringify(snapshot));
  console.log(JSON.stringify({ ms, files: report.stats.files, analysed: report.stats.analysed, failed: report.stats.failed }));
}

function runChild(
  contender: Contender,
  dir: string,
  cache: string,
): Promise<{ ms: number; files: number; analysed: number; failed: number }> {
  return new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, ["--import", "tsx", self, "--child", contender, dir, cache], {
      stdio: ["ignore", "pipe", "inherit"],
    });
    let out = "";
    proc.stdout.on("data", (chunk: Buffer) => (out += chunk.toString()));
    proc.once("close", (code) =>
      code === 0 ? resolve(JSON.parse(out.trim().split("\n").pop()!)) : reject(new Error(`${contender} exited ${code}`)),
    );
  });
}

/** CPython: parse every .py file under `dir` with `ast` and walk it once; wall time of the whole process. */
function pythonAst(dir: string): number {
  const script = [
    "import ast, os, sys, time",
    "t = time.perf_counter()",
    "n = 0",
    "for root, _, files in os.walk(sys.argv[1]):",
    "    for name in files:",
    "        if name.endswith('.py'):",
    "            with open(os.path.join(root, name), encoding='utf-8') as f:",
    "                tree = ast.parse(f.read())",
    "            for node in ast.walk(tree):",
    "                n += 1",
    "print(n)",
  ].join("\n");
  const started = performance.now();
  execFileSync(PYTHON, ["-c", script, dir], { stdio: ["ignore", "pipe", "inherit"] });
  return performance.now() - started;
}

const median = (values: number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? Number.NaN;

async function main(): Promise<void> {
  console.log(
    `\n## monitor-cold: integration analysis of generated trees (node ${process.version}, ${PYTHON}, ${ROUNDS} rounds, medians)\n`,
  );
  console.log(
    "| files | pool (2 threads) s | one thread, no pool s | speed-up | pool of 1 thread s | speed-up | Python files: pool s | Python files: CPython ast s | ratio | warm start s |",
  );
  console.log("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
  for (const size of SIZES) {
    const dir = await mkdtemp(join(tmpdir(), `plexus-monitor-cold-${size}-`));
    const cache = join(dir, "..", `${dir.split("/").pop()}.cache.json`);
    try {
      await writeSourceTree(dir, size);
      const times: Record<Contender | "python", number[]> = {
        pool: [],
        "one-thread": [],
        "one-worker": [],
        "pool-python-only": [],
        warm: [],
        python: [],
      };
      for (let round = 0; round < ROUNDS; round++) {
        // Interleaved, so a noisy moment hurts every contender alike.
        for (const contender of ["pool", "one-thread", "one-worker", "pool-python-only", "warm"] as const) {
          const result = await runChild(contender, dir, cache);
          if (result.failed > 0) console.error(`${contender}: ${result.failed} file(s) failed`);
          times[contender].push(result.ms);
        }
        times.python.push(pythonAst(dir));
      }
      const s = (key: Contender | "python") => median(times[key]) / 1000;
      console.log(
        `| ${size.toLocaleString("en-US")} | ${s("pool").toFixed(2)} | ${s("one-thread").toFixed(2)} | ${(s("one-thread") / s("pool")).toFixed(2)}× | ${s("one-worker").toFixed(2)} | ${(s("one-worker") / s("pool")).toFixed(2)}× | ${s("pool-python-only").toFixed(2)} | ${s("python").toFixed(2)} | ${(s("pool-python-only") / s("python")).toFixed(2)}× | ${s("warm").toFixed(2)} |`,
      );
      if (size === Math.max(...SIZES)) {
        recordHeadlines("monitor-cold", [
          {
            measure: `cold scan, ${size.toLocaleString("en-US")} files, s`,
            plexus: s("pool"),
            baselineName: "one thread, no pool",
            baseline: s("one-thread"),
            target: "≤ 30 s and ≥ 1.7× faster",
            met: s("pool") <= 30 && s("one-thread") / s("pool") >= 1.7,
            digits: 2,
          },
          {
            measure: `Python files of ${size.toLocaleString("en-US")}, s`,
            plexus: s("pool-python-only"),
            baselineName: "CPython ast",
            baseline: s("python"),
            target: "≤ CPython",
            met: s("pool-python-only") <= s("python"),
            digits: 2,
          },
          {
            measure: `warm start, ${size.toLocaleString("en-US")} files, s`,
            plexus: s("warm"),
            baselineName: "cold",
            baseline: s("pool"),
            target: "≤ 3 s",
            met: s("warm") <= 3,
            digits: 2,
          },
        ]);
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
      await rm(cache, { force: true });
    }
  }
  console.log(
    "\nTimes are inside the scanning process (from runScan's call to its result), except CPython's (the whole process, which includes its start-up of ~20 ms).",
  );
}

if (process.argv[2] === "--child") await child(process.argv[3] as Contender, process.argv[4]!, process.argv[5]!);
else await main();
