/**
 * The capability and knowledge monitors' analyses beside the integration monitor's, over the same
 * generated tree (bench/lib/source-tree.ts: half Python, half TypeScript, ~200 lines a file, plus
 * one Markdown document per 10 files and a README linking them), each scan in a fresh process,
 * interleaved, same run. The integration monitor's cold scan is the baseline: all three share the
 * worker module and its tree-sitter parse, so the difference is what each extracts and indexes.
 *
 *   npx tsx bench/monitor-kinds.ts          (SIZE=1000 ROUNDS=3)
 */
import { spawn } from "node:child_process";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { recordHeadlines } from "./lib/headline.js";
import { writeSourceTree } from "./lib/source-tree.js";

const SIZE = Number(process.env.SIZE ?? 1000);
const ROUNDS = Number(process.env.ROUNDS ?? 3);
const KINDS = ["integration-monitor", "capability-monitor", "knowledge-monitor"] as const;
const self = fileURLToPath(import.meta.url);

interface Result {
  ms: number;
  files: number;
  failed: number;
  findings: number;
}

/** Child: one cold scan of `dir` by `kind` with the default 2 threads, printing a {@link Result} as JSON. */
async function child(kind: string, dir: string): Promise<void> {
  const [{ builtinKinds }, { isMonitorKind }, { runScan }, { KindOptionsValidator }, { silentLogger }] = await Promise.all([
    import("../src/actors/builtin-kinds.js"),
    import("../src/actors/monitors/define-monitor.js"),
    import("../src/actors/monitors/run-scan.js"),
    import("../src/runtime/config/kind-options.js"),
    import("../src/common/logger.js"),
  ]);
  const definition = builtinKinds.filter(isMonitorKind).find((candidate) => candidate.kind === kind);
  if (!definition) throw new Error(`no ${kind} kind`);
  const raw = { watch: dir, cache: { files: 20_000, bytes: 200 * 2 ** 20 } };
  const { options, issues } = new KindOptionsValidator(new Map([[kind, definition]])).validate(definition, raw, []);
  if (issues.length > 0) throw new Error(issues.map((issue) => issue.message).join("; "));
  const started = performance.now();
  const { report } = await runScan(definition.monitorSpec as never, options as never, { log: silentLogger() });
  const result: Result = {
    ms: performance.now() - started,
    files: report.stats.files,
    failed: report.stats.failed,
    findings: report.findings.length,
  };
  console.log(JSON.stringify(result));
}

function runChild(kind: string, dir: string): Promise<Result> {
  return new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, ["--import", "tsx", self, "--child", kind, dir], { stdio: ["ignore", "pipe", "inherit"] });
    let out = "";
    proc.stdout.on("data", (chunk: Buffer) => (out += chunk.toString()));
    proc.once("close", (code) =>
      code === 0 ? resolve(JSON.parse(out.trim().split("\n").pop()!) as Result) : reject(new Error(`${kind} exited ${code}`)),
    );
  });
}

/** One document per 10 files, naming classes and files of the generated modules (some gone), and a README linking most of them. */
async function writeDocs(root: string, files: number): Promise<void> {
  const docs = Math.max(1, Math.floor(files / 10));
  await mkdir(join(root, "docs"), { recursive: true });
  for (let n = 0; n < docs; n++)
    await writeFile(
      join(root, "docs", `topic-${n}.md`),
      [
        `# Topic ${n}`,
        "",
        `See \`Handler${n}x0\`, \`Missing${n}Thing\` and \`mod_${n}.py\`.`,
        "",
        `Back to the [index](../README.md).`,
        "",
      ].join("\n"),
    );
  const links = Array.from({ length: docs - Math.ceil(docs / 10) }, (_, n) => `- [Topic ${n}](docs/topic-${n}.md)`);
  await writeFile(join(root, "README.md"), ["# Generated", "", ...links, ""].join("\n"));
}

const median = (values: number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? Number.NaN;

async function main(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), `plexus-monitor-kinds-${SIZE}-`));
  try {
    await writeSourceTree(dir, SIZE);
    await writeDocs(dir, SIZE);
    const times = new Map<string, number[]>(KINDS.map((kind) => [kind, []]));
    const last = new Map<string, Result>();
    for (let round = 0; round < ROUNDS; round++)
      for (const kind of KINDS) {
        const result = await runChild(kind, dir);
        if (result.failed > 0) console.error(`${kind}: ${result.failed} file(s) failed`);
        times.get(kind)!.push(result.ms);
        last.set(kind, result);
      }
    const s = (kind: string): number => median(times.get(kind)!) / 1000;
    console.log(`\n## monitor-kinds: cold scans of one generated tree, 2 threads (node ${process.version}, ${ROUNDS} rounds, medians)\n`);
    console.log("| monitor | files | findings | cold scan s | vs integration (baseline) |");
    console.log("|---|---:|---:|---:|---:|");
    for (const kind of KINDS) {
      const result = last.get(kind)!;
      console.log(
        `| ${kind} | ${result.files.toLocaleString("en-US")} | ${result.findings.toLocaleString("en-US")} | ${s(kind).toFixed(2)} | ${(s(kind) / s("integration-monitor")).toFixed(2)}× |`,
      );
    }
    recordHeadlines(
      "monitor-kinds",
      (["capability-monitor", "knowledge-monitor"] as const).map((kind) => ({
        measure: `${kind} cold scan, ${SIZE.toLocaleString("en-US")} source files, s`,
        plexus: s(kind),
        baselineName: "integration-monitor",
        baseline: s("integration-monitor"),
        digits: 2,
      })),
    );
    console.log("\nTimes are inside the scanning process, from runScan's call to its result (the worker threads' start included).");
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

if (process.argv[2] === "--child") await child(process.argv[3]!, process.argv[4]!);
else await main();
