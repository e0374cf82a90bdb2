import { execFile } from "node:child_process";
import { rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { promisify } from "node:util";
import { format, resolveConfig } from "prettier";
import ts from "typescript";
import { beforeAll, describe, expect, it } from "vitest";
import { PLEXUS_ERROR_CODES } from "../src/common/error-codes.js";
import { builtPackage } from "./helpers/built-package.js";

const run = promisify(execFile);
const SURFACE_FILE = "public-api.json";

/** The public surface of one entry point: every value export with what it is, and every type-only export. */
interface Surface {
  values: Record<string, string>;
  types: string[];
}

/** The package's entry points (package.json `exports`) and their built files, without extension. */
const ENTRY_POINTS = { plexus: "index", "plexus/testing": "testing/index" } as const;

let packageDir: string;
let surfaces: Record<keyof typeof ENTRY_POINTS, Surface>;

/** Value exports of a built entry point, read by a plain `node` (no loader), as a user's program sees them. */
async function valueExports(dir: string, entry: string): Promise<Record<string, string>> {
  const script = `
const api = await import(${JSON.stringify(pathToFileURL(join(dir, "dist", `${entry}.js`)).href)});
const kinds = {};
for (const [name, value] of Object.entries(api)) {
  kinds[name] = typeof value === "function" && /^class\\b/.test(Function.prototype.toString.call(value)) ? "class" : typeof value;
}
process.stdout.write(JSON.stringify(kinds));`;
  const { stdout } = await run(process.execPath, ["--input-type=module", "--eval", script], { cwd: dir });
  return JSON.parse(stdout) as Record<string, string>;
}

/** Every export of a built entry point's .d.ts that is only a type, and those without TSDoc, per the TypeScript checker. */
function typeOnlyExports(dir: string, name: string): { types: string[]; undocumented: string[] } {
  const entry = join(dir, "dist", `${name}.d.ts`);
  const program = ts.createProgram([entry], {
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    noEmit: true,
    skipLibCheck: true,
  });
  const checker = program.getTypeChecker();
  const moduleSymbol = checker.getSymbolAtLocation(program.getSourceFile(entry)!)!;
  const types: string[] = [];
  const undocumented: string[] = [];
  for (const symbol of checker.getExportsOfModule(moduleSymbol)) {
    const target = symbol.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(symbol) : symbol;
    if ((target.flags & ts.SymbolFlags.Value) === 0) types.push(symbol.name);
    // Types plexus re-exports from a dependency carry that dependency's docs (or none).
    const ownDeclaration = target.declarations?.some((declaration) => !declaration.getSourceFile().fileName.includes("/node_modules/"));
    if (ownDeclaration && ts.displayPartsToString(target.getDocumentationComment(checker)).trim() === "") undocumented.push(symbol.name);
  }
  return { types: types.sort(), undocumented: undocumented.sort() };
}

/**
 * A program written against the built package the way a user writes one (`from "plexus"`,
 * resolved through package.json `exports`): imports every value as a value (TS1362 if a re-export
 * made it type-only), every type, narrows transport stats on `kind` and switches exhaustively on
 * error codes.
 */
function consumerSource(values: string[], types: string[]): string {
  const codes = Object.keys(PLEXUS_ERROR_CODES);
  return `import { ${values.join(", ")} } from "plexus";
import type { ${types.join(", ")} } from "plexus";

export const everyValue: unknown[] = [${values.join(", ")}];

export function figure(stats: TransportStats): number {
  switch (stats.kind) {
    case "memory":
      return stats.details.subscriptions;
    case "zmq":
      return stats.details.sendQueueDepth;
    case "redis":
      return Object.values(stats.details.groups).reduce((sum, group) => sum + group.acked + (group.lag ?? 0), 0);
    default:
      return stats.details === undefined ? 0 : Object.keys(stats.details).length;
  }
}

export function handled(error: unknown): string {
  if (!(error instanceof PlexusError)) return "not plexus";
  const code: PlexusErrorCode = error.code;
  switch (code) {
${codes.map((code) => `    case "${code}":`).join("\n")}
      return PLEXUS_ERROR_CODES[code];
    default: {
      const unhandled: never = code;
      return unhandled;
    }
  }
}

export const fromPublish: Promise<Envelope<{ n: number }>> = createRuntime({ config: {} }).bus.publish("a.b", { n: 1 });
export const prefix: string = DEAD_LETTER_PREFIX;
export const child: ChildConfig = { id: "a", kind: "heartbeat", shutdown: "2s", options: { everyMs: 100 } };
export const config: PlexusConfig = { transport: { kind: "redis", url: "redis://127.0.0.1:6379" }, supervisor: { period: "30s" }, children: [child] };
`;
}

async function surfaceOf(entry: string): Promise<Surface> {
  const values = await valueExports(packageDir, entry);
  return {
    values: Object.fromEntries(Object.entries(values).sort(([a], [b]) => a.localeCompare(b))),
    types: typeOnlyExports(packageDir, entry).types,
  };
}

beforeAll(async () => {
  packageDir = await builtPackage();
  surfaces = { plexus: await surfaceOf(ENTRY_POINTS.plexus), "plexus/testing": await surfaceOf(ENTRY_POINTS["plexus/testing"]) };
}, 240_000);

describe("the public API of the built package", () => {
  it("exports exactly the committed names (update test/public-api.json with -u when the change is on purpose)", async () => {
    const target = fileURLToPath(new URL(SURFACE_FILE, import.meta.url));
    const text = await format(JSON.stringify(surfaces), { ...(await resolveConfig(target)), parser: "json" });
    await expect(text).toMatchFileSnapshot(SURFACE_FILE);
  });

  it("has TSDoc on every export plexus declares", () => {
    for (const entry of Object.values(ENTRY_POINTS)) expect(typeOnlyExports(packageDir, entry).undocumented, entry).toEqual([]);
  });

  it("type-checks a user's program: values importable as values, stats narrowed on kind, error codes switched exhaustively", async () => {
    const file = join(packageDir, `consumer-${process.pid}.ts`);
    await writeFile(file, consumerSource(Object.keys(surfaces.plexus.values), surfaces.plexus.types));
    try {
      const program = ts.createProgram([file], {
        module: ts.ModuleKind.NodeNext,
        moduleResolution: ts.ModuleResolutionKind.NodeNext,
        target: ts.ScriptTarget.ES2022,
        strict: true,
        noEmit: true,
        skipLibCheck: true,
        types: ["node"],
      });
      const diagnostics = ts.getPreEmitDiagnostics(program).map((d) => ts.flattenDiagnosticMessageText(d.messageText, "\n"));
      expect(diagnostics).toEqual([]);
    } finally {
      await rm(file, { force: true });
    }
  });

  it("compiles a kind with an options schema in a project without strict mode (options are then untyped, not a TS2589)", async () => {
    const file = join(packageDir, `loose-consumer-${process.pid}.ts`);
    await writeFile(
      file,
      `import { defineActor } from "plexus";
export const kind = defineActor({
  kind: "loose",
  options: { type: "object", properties: { everyMs: { type: "integer", default: 10 }, label: { type: "string" } } },
  start(ctx) {
    const options: Record<string, unknown> = ctx.options;
    void options;
  },
});
`,
    );
    try {
      const program = ts.createProgram([file], {
        module: ts.ModuleKind.NodeNext,
        moduleResolution: ts.ModuleResolutionKind.NodeNext,
        target: ts.ScriptTarget.ES2022,
        strict: false,
        noEmit: true,
        skipLibCheck: true,
        types: ["node"],
      });
      const diagnostics = ts.getPreEmitDiagnostics(program).map((d) => ts.flattenDiagnosticMessageText(d.messageText, "\n"));
      expect(diagnostics).toEqual([]);
    } finally {
      await rm(file, { force: true });
    }
  });
});
