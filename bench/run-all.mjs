#!/usr/bin/env node
/**
 * Runs every bench (each `bench/<name>.ts`, not `bench/lib/`) one after the other, each in its own
 * `node --import tsx` process so that one bench's heap, sockets and timers never skew the next.
 * Each bench prints its own table; at the end this script prints one table of every bench's
 * headline figures beside their baselines (what each bench passes to `recordHeadlines`, from
 * bench/lib/headline.ts) and the outcome of each bench, and exits 1 when any of them failed.
 * Benches run in sequence, never in parallel: they measure time.
 *
 *   npm run bench                          every bench
 *   npm run bench -- --only bus-memory     one bench (repeat --only, or give a comma list, for more)
 *   npm run bench -- --list                the names
 *
 * A single bench also runs directly: `npx tsx bench/<name>.ts`. Sizes are set per bench through
 * environment variables (see the comment at the top of each file); they pass through unchanged.
 */
import { spawn } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { parseArgs } from "node:util";

const benchDir = dirname(fileURLToPath(import.meta.url));
// By absolute URL, so that the loader resolves whatever the caller's working directory is.
const tsxLoader = pathToFileURL(join(benchDir, "..", "node_modules", "tsx", "dist", "loader.mjs")).href;

const usage = "usage: node bench/run-all.mjs [--only NAME[,NAME…]]… [--list]";

/** Bench names: the `.ts` files directly in bench/, sorted. */
function benchNames() {
  return readdirSync(benchDir, { withFileTypes: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith(".ts") && !entry.name.endsWith(".d.ts"))
    .map((entry) => entry.name.slice(0, -".ts".length))
    .sort();
}

/** The benches to run for the `--only` values given (all of them when none). Throws on an unknown name. */
function selectBenches(available, only) {
  const wanted = only
    .flatMap((value) => value.split(","))
    .map((name) =>
      name
        .trim()
        .replace(/\.ts$/, "")
        .replace(/^bench\//, ""),
    );
  if (wanted.length === 0) return available;
  const unknown = wanted.filter((name) => !available.includes(name));
  if (unknown.length > 0) {
    throw new Error(`no bench named ${unknown.map((name) => `"${name}"`).join(", ")}; the benches are: ${available.join(", ")}`);
  }
  return available.filter((name) => wanted.includes(name));
}

/** Arguments a bench gets under run-all: its short mode, where its full run takes too long to run with the rest. */
const BENCH_ARGS = { "monitor-live": ["--short"] };

/** Runs one bench with inherited stdio; resolves with its exit code (or signal) and duration. */
function runBench(name, headlinesFile) {
  const started = process.hrtime.bigint();
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ["--import", tsxLoader, join(benchDir, `${name}.ts`), ...(BENCH_ARGS[name] ?? [])], {
      stdio: "inherit",
      env: { ...process.env, PLEXUS_BENCH_HEADLINES: headlinesFile },
    });
    const finish = (outcome) => resolve({ name, outcome, seconds: Number(process.hrtime.bigint() - started) / 1e9 });
    child.once("error", (error) => finish(`could not start: ${error.message}`));
    child.once("close", (code, signal) => finish(signal ?? code));
  });
}

/** The headline lines the benches wrote (none when no bench wrote any). */
function readHeadlines(file) {
  let text;
  try {
    text = readFileSync(file, "utf8");
  } catch {
    return [];
  }
  return text
    .split("\n")
    .filter((line) => line.trim() !== "")
    .map((line) => JSON.parse(line));
}

/** Formats a figure with thousands separators. */
function figure(value, digits) {
  return value.toLocaleString("en-US", { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

/** One Markdown table: every bench's headlines, then a line per bench that wrote none or failed. */
function printSummary(results, headlines) {
  console.log("\n=== bench summary (medians; each baseline measured in the same run) ===\n");
  console.log("| bench | measure | plexus | baseline | ratio | target |");
  console.log("|---|---|---:|---:|---:|---|");
  for (const { name, outcome, seconds } of results) {
    const rows = headlines.filter((headline) => headline.bench === name);
    for (const row of rows) {
      const digits = row.digits ?? 1;
      const ratio = row.baseline === 0 ? "–" : `${(row.plexus / row.baseline).toFixed(2)}×`;
      const verdict = row.met === undefined ? "" : row.met ? " ✓" : " ✗";
      console.log(
        `| ${name} | ${row.measure} | ${figure(row.plexus, digits)} | ${figure(row.baseline, digits)} (${row.baselineName}) | ${ratio} | ${row.target ?? ""}${verdict} |`,
      );
    }
    if (outcome !== 0) console.log(`| ${name} | FAILED (exit ${outcome}) after ${seconds.toFixed(1)} s | | | | |`);
    else if (rows.length === 0) console.log(`| ${name} | ran in ${seconds.toFixed(1)} s; see its own table above | | | | |`);
  }
}

async function main() {
  let options;
  try {
    options = parseArgs({ options: { only: { type: "string", multiple: true, default: [] }, list: { type: "boolean", default: false } } });
  } catch (error) {
    console.error(`${error.message}\n${usage}`);
    return 64;
  }
  const available = benchNames();
  if (options.values.list) {
    console.log(available.join("\n"));
    return 0;
  }
  let selected;
  try {
    selected = selectBenches(available, options.values.only);
  } catch (error) {
    console.error(`${error.message}\n${usage}`);
    return 64;
  }

  const scratch = mkdtempSync(join(tmpdir(), "plexus-bench-"));
  const headlinesFile = join(scratch, "headlines.jsonl");
  try {
    const results = [];
    for (const name of selected) {
      console.log(`\n=== bench ${name} (node --import tsx bench/${name}.ts) ===\n`);
      results.push(await runBench(name, headlinesFile));
    }
    printSummary(results, readHeadlines(headlinesFile));
    return results.every((result) => result.outcome === 0) ? 0 : 1;
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

process.exitCode = await main();
