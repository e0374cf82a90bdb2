/**
 * What typing a kind's options from its JSON Schema costs, for the two candidates:
 * `json-schema-to-ts` (`FromSchema`, types only) and TypeBox (`Type.Object(...)` builds the schema
 * at run time, `Static` types it).
 *
 * 1. Run time: `import()` of each package in a fresh Node process (median of ROUNDS, interleaved),
 *    next to the baseline of importing an empty module. plexus imports json-schema-to-ts with
 *    `import type` only, which TypeScript erases: what it really pays at run time is the baseline.
 * 2. Type-check time: `tsc --noEmit` of the same 12 option schemas typed each way, next to the
 *    baseline of the same file with hand-written interfaces.
 *
 * TypeBox is not a dependency of plexus; install it for this run only:
 *
 *   npm install --no-save @sinclair/typebox && npx tsx bench/options-typing-import.ts
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const ROUNDS = 21;
const TSC_ROUNDS = 5;
const root = fileURLToPath(new URL("..", import.meta.url));
const require = createRequire(join(root, "package.json"));

interface ImportCase {
  label: string;
  specifier: string;
}

const importCases: ImportCase[] = [
  { label: "baseline: empty module", specifier: "data:text/javascript,export default 1" },
  { label: "json-schema-to-ts", specifier: "json-schema-to-ts" },
  { label: "@sinclair/typebox", specifier: "@sinclair/typebox" },
];

function installed(specifier: string): boolean {
  if (specifier.startsWith("data:")) return true;
  try {
    require.resolve(specifier);
    return true;
  } catch {
    return false;
  }
}

/** One fresh process: the time and RSS growth of one dynamic import. */
function importOnce(specifier: string): { ms: number; rssMb: number } {
  const script = `
    const rss = process.memoryUsage().rss;
    const t = performance.now();
    await import(${JSON.stringify(specifier)});
    const ms = performance.now() - t;
    process.stdout.write(JSON.stringify({ ms, rssMb: (process.memoryUsage().rss - rss) / 1048576 }));
  `;
  const output = execFileSync(process.execPath, ["--input-type=module", "-e", script], { cwd: root, encoding: "utf8" });
  return JSON.parse(output) as { ms: number; rssMb: number };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

// Twelve option schemas of the size real kinds have (the proxy kind has seven properties).
const schemaBodies = Array.from(
  { length: 12 },
  (_, i) => `{
  type: "object",
  additionalProperties: false,
  required: ["endpoint${i}"],
  properties: {
    endpoint${i}: { type: "string", minLength: 1 },
    everyMs: { type: "integer", minimum: 1, default: 1000 },
    mode: { enum: ["fail", "join"], default: "fail" },
    noDrop: { type: "boolean", default: false },
    tags: { type: "array", items: { type: "string" } },
    limits: { type: "object", properties: { max: { type: "number" } } },
  },
}`,
);

const typeFixtures: Record<string, string> = {
  "baseline: hand-written interfaces": schemaBodies
    .map(
      (body, i) => `export const schema${i} = ${body} as const;
export interface Options${i} { endpoint${i}: string; everyMs: number; mode: "fail" | "join"; noDrop: boolean; tags?: string[]; limits?: { max?: number } }
export const use${i} = (o: Options${i}): number => o.everyMs;`,
    )
    .join("\n"),
  "json-schema-to-ts FromSchema": `import type { FromSchema } from "json-schema-to-ts";\n${schemaBodies
    .map(
      (body, i) => `export const schema${i} = ${body} as const;
export type Options${i} = FromSchema<typeof schema${i}>;
export const use${i} = (o: Options${i}): number => o.everyMs;`,
    )
    .join("\n")}`,
  "@sinclair/typebox Static": `import { Type, type Static } from "@sinclair/typebox";\n${schemaBodies
    .map(
      (_, i) => `export const schema${i} = Type.Object({
  endpoint${i}: Type.String({ minLength: 1 }),
  everyMs: Type.Integer({ minimum: 1, default: 1000 }),
  mode: Type.Union([Type.Literal("fail"), Type.Literal("join")], { default: "fail" }),
  noDrop: Type.Boolean({ default: false }),
  tags: Type.Optional(Type.Array(Type.String())),
  limits: Type.Optional(Type.Object({ max: Type.Optional(Type.Number()) })),
}, { additionalProperties: false });
export type Options${i} = Static<typeof schema${i}>;
export const use${i} = (o: Options${i}): number => o.everyMs;`,
    )
    .join("\n")}`,
};

function typeCheckOnce(file: string): number {
  const tsc = require.resolve("typescript/bin/tsc");
  const t = performance.now();
  execFileSync(
    process.execPath,
    [tsc, "--noEmit", "--strict", "--skipLibCheck", "--module", "NodeNext", "--moduleResolution", "NodeNext", "--target", "ES2022", file],
    { cwd: root, encoding: "utf8" },
  );
  return performance.now() - t;
}

function main(): void {
  const runnable = importCases.filter((c) => installed(c.specifier));
  const samples = new Map<string, { ms: number[]; rssMb: number[] }>(runnable.map((c) => [c.label, { ms: [], rssMb: [] }]));
  for (let round = 0; round < ROUNDS; round += 1) {
    for (const importCase of runnable) {
      const figures = importOnce(importCase.specifier);
      samples.get(importCase.label)!.ms.push(figures.ms);
      samples.get(importCase.label)!.rssMb.push(figures.rssMb);
    }
  }
  const baselineMs = median(samples.get(importCases[0]!.label)!.ms);
  console.log(`\n## Options typing: run-time import cost (node ${process.version}, ${ROUNDS} fresh processes each, medians)\n`);
  console.log("| import() of | median ms | ratio to baseline | RSS growth MB (median) |");
  console.log("|---|---:|---:|---:|");
  for (const importCase of importCases) {
    const figures = samples.get(importCase.label);
    if (!figures) {
      console.log(`| ${importCase.label} | not installed (npm install --no-save ${importCase.specifier}) | | |`);
      continue;
    }
    const ms = median(figures.ms);
    console.log(`| ${importCase.label} | ${ms.toFixed(2)} | ${(ms / baselineMs).toFixed(1)}× | ${median(figures.rssMb).toFixed(1)} |`);
  }
  console.log("\nplexus uses `import type { FromSchema }`: erased at compile time, so its run-time cost is the baseline row.");

  const directory = mkdtempSync(join(root, ".bench-options-typing-"));
  try {
    console.log(`\n## Options typing: type-check cost (tsc --noEmit of 12 kinds' option schemas, ${TSC_ROUNDS} runs, medians)\n`);
    console.log("| typed with | median ms | ratio to baseline |");
    console.log("|---|---:|---:|");
    let baseline: number | undefined;
    Object.entries(typeFixtures).forEach(([label, source], index) => {
      if (label.startsWith("@sinclair") && !installed("@sinclair/typebox")) {
        console.log(`| ${label} | not installed (npm install --no-save @sinclair/typebox) | |`);
        return;
      }
      const file = join(directory, `fixture-${index}.ts`);
      writeFileSync(file, source);
      const ms = median(Array.from({ length: TSC_ROUNDS }, () => typeCheckOnce(file)));
      baseline ??= ms;
      console.log(`| ${label} | ${ms.toFixed(0)} | ${(ms / baseline).toFixed(2)}× |`);
    });
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
}

main();
