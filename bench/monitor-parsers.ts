/**
 * Parser choice for the integration monitor's worker: parse time per file, start-up cost and
 * memory of each candidate parser, on a generated set of ~200-line Python and TypeScript files.
 *
 * - Python: tree-sitter-python through web-tree-sitter's wasm, and through the native `tree-sitter`
 *   binding when one loads (its prebuilt binary needs a newer libstdc++ than some machines have;
 *   PLEXUS_NATIVE_TREE_SITTER_DIR names a directory whose node_modules hold a source-built copy).
 * - TypeScript: tree-sitter-typescript through web-tree-sitter's wasm, the TypeScript compiler API
 *   (`ts.createSourceFile`), and native tree-sitter-typescript when it loads.
 *
 * Every sample is a fresh `node` process (what a worker thread pays once), the candidates
 * interleaved. Start-up is import + init + grammar load; each file is parsed and its whole tree
 * walked once (the analysis walks it too); RSS is read after the last file. The last two rows run
 * the integration monitor's own worker (the chosen parser plus fact extraction) on the same files.
 *
 *   npx tsx bench/monitor-parsers.ts [samples]     (default 7; PARSER_BENCH_FILES, default 100 per language)
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { recordHeadlines } from "./lib/headline.js";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const SAMPLES = Math.max(3, Number(process.argv.find((arg) => /^\d+$/.test(arg)) ?? 7));
const FILES = Number(process.env.PARSER_BENCH_FILES ?? 100);
const NATIVE_DIR = process.env.PLEXUS_NATIVE_TREE_SITTER_DIR ?? ROOT;

function pythonFile(seed: number): string {
  const lines = [`import os`, `import zmq`, ``, `TOPIC = "orders.created.${seed}"`, `PORT = os.getenv("PORT", "5556")`, ``];
  for (let c = 0; lines.length < 190; c++) {
    lines.push(
      `class Worker${seed}_${c}:`,
      `    def __init__(self, ctx):`,
      `        self.queue = []`,
      `        self.sock = ctx.socket(zmq.PUB)`,
    );
    lines.push(`        self.sock.bind(f"tcp://*:{PORT}")`, ``, `    def handle(self, item, n=3):`, `        for i in range(n):`);
    lines.push(`            if item.get("kind") == "x" and i % 2 == 0:`, `                self.queue.append({"i": i, "v": item["v"] * 2})`);
    lines.push(`        self.sock.send_multipart([TOPIC.encode(), str(item).encode()])`, `        return len(self.queue)`, ``);
    lines.push(`    def drain(self):`, `        while self.queue:`, `            yield self.queue.pop(0)`, ``);
  }
  return lines.join("\n") + "\n";
}

function typescriptFile(seed: number): string {
  const lines = [
    `import { Publisher } from "zeromq";`,
    ``,
    `const TOPIC = "orders.created.${seed}";`,
    `const PORT = process.env.PORT ?? "5556";`,
    ``,
  ];
  for (let c = 0; lines.length < 190; c++) {
    lines.push(
      `export class Worker${seed}_${c} {`,
      `  private queue: Array<{ i: number; v: number }> = [];`,
      `  private readonly sock = new Publisher();`,
    );
    lines.push(`  async start(): Promise<void> {`, `    await this.sock.bind(\`tcp://*:\${PORT}\`);`, `  }`, ``);
    lines.push(`  async handle(item: { kind: string; v: number }, n = 3): Promise<number> {`, `    for (let i = 0; i < n; i++) {`);
    lines.push(`      if (item.kind === "x" && i % 2 === 0) this.queue.push({ i, v: item.v * 2 });`, `    }`);
    lines.push(`    await this.sock.send([TOPIC, JSON.stringify(item)]);`, `    return this.queue.length;`, `  }`, ``);
    lines.push(
      `  *drain(): Generator<{ i: number; v: number }> {`,
      `    while (this.queue.length > 0) yield this.queue.shift()!;`,
      `  }`,
      `}`,
      ``,
    );
  }
  return lines.join("\n") + "\n";
}

interface Candidate {
  name: string;
  language: "python" | "typescript";
  /** Module code that sets `parseAndWalk(source, file) => nodeCount` (or a promise of it) after loading its parser. */
  setup: string;
  /** Node options of the child (the worker rows run the TypeScript sources through tsx). */
  execArgv?: string[];
}

/** The integration monitor's own worker: parse with the chosen parser, then extract the facts. */
const integrationWorker = `
const { default: analyse } = await import(${JSON.stringify(new URL("../src/actors/monitors/analysis/integration/worker.ts", import.meta.url).href)});
const { BUILTIN_DIALECTS } = await import(${JSON.stringify(new URL("../src/actors/monitors/analysis/integration/dialect.ts", import.meta.url).href)});
await analyse({ path: "warm.py", content: "", dialects: [...BUILTIN_DIALECTS] });
const parseAndWalk = async (source, file) => {
  const facts = await analyse({ path: file, content: source, dialects: [...BUILTIN_DIALECTS] });
  if (facts.messages.length === 0) throw new Error("no facts");
  return 1000;
};`;

const wasm = (grammar: string): string => `
const { Parser, Language } = await import("web-tree-sitter");
await Parser.init();
const language = await Language.load(${JSON.stringify(path.join(ROOT, "node_modules", grammar))});
const parser = new Parser();
parser.setLanguage(language);
const parseAndWalk = (source) => {
  const tree = parser.parse(source);
  const cursor = tree.walk();
  let count = 0;
  for (;;) {
    count++;
    if (cursor.gotoFirstChild()) continue;
    while (!cursor.gotoNextSibling()) if (!cursor.gotoParent()) { cursor.delete(); tree.delete(); return count; }
  }
};`;

const native = (grammar: string, property?: string): string => `
const { createRequire } = await import("node:module");
const require = createRequire(${JSON.stringify(path.join(NATIVE_DIR, "package.json"))});
const Parser = require("tree-sitter");
const language = require(${JSON.stringify(grammar)})${property ? `.${property}` : ""};
const parser = new Parser();
parser.setLanguage(language);
const parseAndWalk = (source) => {
  const cursor = parser.parse(source).walk();
  let count = 0;
  for (;;) {
    count++;
    if (cursor.gotoFirstChild()) continue;
    while (!cursor.gotoNextSibling()) if (!cursor.gotoParent()) return count;
  }
};`;

const candidates: Candidate[] = [
  { name: "web-tree-sitter wasm (tree-sitter-python)", language: "python", setup: wasm("tree-sitter-python/tree-sitter-python.wasm") },
  { name: "native tree-sitter (tree-sitter-python)", language: "python", setup: native("tree-sitter-python") },
  {
    name: "web-tree-sitter wasm (tree-sitter-typescript)",
    language: "typescript",
    setup: wasm("tree-sitter-typescript/tree-sitter-typescript.wasm"),
  },
  {
    name: "TypeScript compiler API (typescript)",
    language: "typescript",
    setup: `
const { default: ts } = await import("typescript");
const parseAndWalk = (source) => {
  const file = ts.createSourceFile("f.ts", source, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
  let count = 0;
  const visit = (node) => { count++; ts.forEachChild(node, visit); };
  visit(file);
  return count;
};`,
  },
  { name: "native tree-sitter (tree-sitter-typescript)", language: "typescript", setup: native("tree-sitter-typescript", "typescript") },
  { name: "integration worker: wasm parse + facts (tsx)", language: "python", setup: integrationWorker, execArgv: ["--import", "tsx"] },
  { name: "integration worker: wasm parse + facts (tsx)", language: "typescript", setup: integrationWorker, execArgv: ["--import", "tsx"] },
];

interface Sample {
  startupMs: number;
  perFileMs: number[];
  rssMb: number;
}

const idOf = (candidate: Candidate): string => `${candidate.name} ${candidate.language}`;

function childScript(candidate: Candidate, files: string[]): string {
  return `
const t0 = performance.now();
${candidate.setup}
const startupMs = performance.now() - t0;
const { readFileSync } = await import("node:fs");
const files = ${JSON.stringify(files)};
const sources = files.map((file) => readFileSync(file, "utf8"));
const perFileMs = [];
for (const [index, source] of sources.entries()) {
  const start = performance.now();
  if ((await parseAndWalk(source, files[index])) < 100) throw new Error("tree too small");
  perFileMs.push(performance.now() - start);
}
process.stdout.write(JSON.stringify({ startupMs, perFileMs, rssMb: process.memoryUsage.rss() / 2 ** 20 }));`;
}

function runSample(candidate: Candidate, files: string[]): Sample | { error: string } {
  try {
    const out = execFileSync(
      process.execPath,
      [...(candidate.execArgv ?? []), "--input-type=module", "--eval", childScript(candidate, files)],
      {
        cwd: ROOT,
        encoding: "utf8",
        stdio: ["ignore", "pipe", "pipe"],
        timeout: 120_000,
      },
    );
    return JSON.parse(out) as Sample;
  } catch (error) {
    const text = String((error as { stderr?: string }).stderr ?? error);
    return { error: /Error: (.*)/.exec(text)?.[1]?.slice(0, 90) ?? text.slice(0, 90) };
  }
}

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
};

const dir = mkdtempSync(path.join(tmpdir(), "plexus-parsers-"));
try {
  const filesOf = { python: [] as string[], typescript: [] as string[] };
  for (let i = 0; i < FILES; i++) {
    const py = path.join(dir, `m${i}.py`);
    const ts = path.join(dir, `m${i}.ts`);
    writeFileSync(py, pythonFile(i));
    writeFileSync(ts, typescriptFile(i));
    filesOf.python.push(py);
    filesOf.typescript.push(ts);
  }
  const samples = new Map<string, Sample[]>(candidates.map((c) => [idOf(c), []]));
  const failures = new Map<string, string>();
  for (let round = 0; round < SAMPLES; round++) {
    for (const candidate of candidates) {
      if (failures.has(idOf(candidate))) continue;
      const sample = runSample(candidate, filesOf[candidate.language]);
      if ("error" in sample) failures.set(idOf(candidate), sample.error);
      else samples.get(idOf(candidate))!.push(sample);
    }
  }

  console.log(`\nParsers: ${FILES} generated files per language (~190 lines each), ${SAMPLES} fresh processes per parser, medians\n`);
  const rows = candidates.map((candidate) => {
    const runs = samples.get(idOf(candidate))!;
    if (runs.length === 0) return { candidate, text: `unavailable: ${failures.get(idOf(candidate))}` };
    // Per-file time after the first (warm) file, median over files, then over processes.
    const perFile = median(runs.map((run) => median(run.perFileMs.slice(1))));
    const first = median(runs.map((run) => run.perFileMs[0]!));
    const total = median(runs.map((run) => run.perFileMs.reduce((a, b) => a + b, 0)));
    const figures = {
      startup: median(runs.map((run) => run.startupMs)),
      first,
      perFile,
      total,
      rss: median(runs.map((run) => run.rssMb)),
    };
    return { candidate, figures };
  });
  const header = ["parser", "language", "start-up ms", "1st file ms", "per file ms", `${FILES} files ms`, "RSS MB"];
  const table = rows.map((row) =>
    "figures" in row && row.figures
      ? [
          row.candidate.name,
          row.candidate.language,
          row.figures.startup.toFixed(1),
          row.figures.first.toFixed(2),
          row.figures.perFile.toFixed(3),
          row.figures.total.toFixed(1),
          row.figures.rss.toFixed(1),
        ]
      : [row.candidate.name, row.candidate.language, (row as { text: string }).text, "", "", "", ""],
  );
  const widths = header.map((title, column) => Math.max(title.length, ...table.map((cells) => cells[column]!.length)));
  const format = (cells: string[]): string => cells.map((cell, column) => cell.padEnd(widths[column]!)).join("  ");
  console.log(format(header));
  console.log(widths.map((width) => "-".repeat(width)).join("  "));
  for (const cells of table) console.log(format(cells));
  console.log(
    "\n(tsx) rows run the worker from its TypeScript sources: their start-up includes compiling them; their per-file time is parse + walk + facts.",
  );

  const figure = (name: string) =>
    rows.find((row) => row.candidate.name === name && "figures" in row)?.["figures" as never] as
      { total: number; startup: number } | undefined;
  const wasmTs = figure("web-tree-sitter wasm (tree-sitter-typescript)");
  const compilerApi = figure("TypeScript compiler API (typescript)");
  if (wasmTs && compilerApi) {
    console.log(
      `\nTypeScript: wasm tree-sitter start-up + ${FILES} files = ${(wasmTs.startup + wasmTs.total).toFixed(0)} ms, compiler API = ${(compilerApi.startup + compilerApi.total).toFixed(0)} ms`,
    );
    recordHeadlines("monitor-parsers", [
      {
        measure: `worker start-up + ${FILES} TS files parsed and walked, ms`,
        plexus: wasmTs.startup + wasmTs.total,
        baselineName: "TypeScript compiler API",
        baseline: compilerApi.startup + compilerApi.total,
        digits: 0,
      },
    ]);
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
