import { execFile } from "node:child_process";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { builtPackage } from "./helpers/built-package.js";

const run = promisify(execFile);

/** Records every module URL the ESM loader resolves, one per line, in the file named by `data.log`. */
const RECORDING_HOOK = `
import { appendFileSync } from "node:fs";
let log;
export function initialize(data) { log = data.log; }
export async function resolve(specifier, context, next) {
  const result = await next(specifier, context);
  appendFileSync(log, result.url + "\\n");
  return result;
}`;

let packageDir: string;
let scratch: string;

beforeAll(async () => {
  packageDir = await builtPackage();
  scratch = await mkdtemp(join(tmpdir(), "plexus-import-cost-"));
}, 240_000);

afterAll(async () => {
  await rm(scratch, { recursive: true, force: true });
});

/**
 * Runs a fresh `node` that imports the built package, starts a memory runtime with two actors
 * (ops server on or off) and stops it. Returns the packages it loaded: those the ESM loader
 * resolved (seen by a `module.register` resolve hook) and those CommonJS required (require.cache).
 */
async function packagesLoaded(label: string, opsEnabled: boolean): Promise<Set<string>> {
  const log = join(scratch, `${label}.resolved`);
  const dist = pathToFileURL(join(packageDir, "dist", "index.js")).href;
  const script = `
import { createRequire, register } from "node:module";
register("data:text/javascript," + encodeURIComponent(${JSON.stringify(RECORDING_HOOK)}), import.meta.url, { data: { log: ${JSON.stringify(log)} } });
const { createRuntime, defineActor, silentLogger } = await import(${JSON.stringify(dist)});
const idle = defineActor({ kind: "idle", start: () => () => undefined });
const runtime = createRuntime({
  logger: silentLogger(),
  kinds: [idle],
  config: {
    runtime: { name: "import-cost", ops: { enabled: ${opsEnabled}, port: 0 }, stateDir: ${JSON.stringify(join(scratch, "state"))} },
    transport: { kind: "memory" },
    children: [{ id: "a", kind: "idle" }, { id: "b", kind: "idle" }],
  },
});
await runtime.start();
await runtime.stop();
process.stdout.write(JSON.stringify(Object.keys(createRequire(import.meta.url).cache)));`;
  const { stdout } = await run(process.execPath, ["--input-type=module", "--eval", script], { cwd: scratch, timeout: 60_000 });
  const required = JSON.parse(stdout) as string[];
  const resolved = (await readFile(log, "utf8")).split("\n").filter((line) => line !== "");
  expect(resolved.length).toBeGreaterThan(0); // the hook saw the loads at all
  const packages = new Set<string>();
  for (const location of [...resolved, ...required].map((entry) => decodeURIComponent(entry))) {
    if (location.includes(packageDir)) continue; // plexus itself
    const match = /.*node_modules\/((?:@[^/]+\/)?[^/]+)\/(.*)$/.exec(location);
    // ajv's compiler and its tiny runtime helpers (used by the precompiled config validator) are told apart.
    if (match) packages.add(match[1] === "ajv" && match[2]!.startsWith("dist/runtime/") ? "ajv/dist/runtime" : match[1]!);
  }
  return packages;
}

describe('import "plexus" stays light', () => {
  it("loads neither ioredis, zeromq nor fastify (nor yaml or the ajv compiler) for a memory runtime with the ops server off", async () => {
    const loaded = await packagesLoaded("ops-off", false);
    expect(loaded).toContain("xstate"); // a witness: the recording saw the runtime's own dependencies
    for (const heavy of ["ioredis", "zeromq", "fastify", "yaml", "ajv"]) expect(loaded, `${heavy} was loaded`).not.toContain(heavy);
    // The built-in monitor kinds load their machinery and parsers only when one starts.
    for (const heavy of ["web-tree-sitter", "piscina", "chokidar", "@parcel/watcher", "lru-cache"])
      expect(loaded, `${heavy} was loaded`).not.toContain(heavy);
  });

  it("loads fastify once the ops server is enabled, and still no network client", async () => {
    const loaded = await packagesLoaded("ops-on", true);
    expect(loaded).toContain("fastify");
    for (const heavy of ["ioredis", "zeromq"]) expect(loaded, `${heavy} was loaded`).not.toContain(heavy);
  });
});
