import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runInProcess } from "./memory-io.js";

let dir: string;
const logLevel = process.env.PLEXUS_LOG_LEVEL;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "plexus-config-exit-"));
  // The runtimes these commands create log to this process's stderr; the exit code and the
  // command's own output are what is checked.
  process.env.PLEXUS_LOG_LEVEL = "silent";
});
afterAll(async () => {
  if (logLevel === undefined) delete process.env.PLEXUS_LOG_LEVEL;
  else process.env.PLEXUS_LOG_LEVEL = logLevel;
  await rm(dir, { recursive: true, force: true });
});

/** A config file whose first line is the runtime section; `rest` starts on line 2. */
async function configFile(name: string, rest: string, runtime = "{ name: exit, ops: { enabled: false } }"): Promise<string> {
  const file = join(dir, `${name}.yaml`);
  await writeFile(file, `runtime: ${runtime}\n${rest}`);
  return file;
}

/** Nine levels of ten aliases each: a billion-laughs document (10^9 nodes once expanded). */
function aliasBomb(): string {
  const lines = ["  a: &a [x, x, x, x, x, x, x, x, x, x]"];
  let previous = "a";
  for (const name of "bcdefghij") {
    lines.push(`  ${name}: &${name} [${Array.from({ length: 10 }, () => `*${previous}`).join(", ")}]`);
    previous = name;
  }
  return `bomb:\n${lines.join("\n")}\n`;
}

const env = { PLEXUS_LOG_LEVEL: "silent" };

describe("configuration errors exit 78 (EX_CONFIG) from plexus start, with file:line", () => {
  it("a contracts directory that does not exist", async () => {
    const file = await configFile("no-contracts", "contracts: { dir: missing-dir }\n");
    const { code, stderr } = await runInProcess(["start", "-c", file], { env });
    expect(code).toBe(78);
    expect(stderr).toContain(`${file}:2:`);
    expect(stderr).toMatch(/contracts\.dir: contracts directory .*missing-dir does not exist/);
  });

  it("a contract that is not valid JSON, at its own file:line", async () => {
    const contracts = join(dir, "bad-contracts");
    await mkdir(contracts, { recursive: true });
    await writeFile(join(contracts, "orders.json"), '{\n  "x-topic": "orders.*",\n  "type": "object",,\n}\n');
    const file = await configFile("bad-contract", `contracts: { dir: bad-contracts }\n`);
    const { code, stderr } = await runInProcess(["start", "-c", file], { env });
    expect(code).toBe(78);
    expect(stderr).toContain(`${join(contracts, "orders.json")}:3:`);
    expect(stderr).toMatch(/not valid JSON/);
  });

  it("a contract that does not compile", async () => {
    const contracts = join(dir, "uncompilable");
    await mkdir(contracts, { recursive: true });
    await writeFile(join(contracts, "orders.json"), JSON.stringify({ "x-topic": "orders.*", type: "objec" }));
    const file = await configFile("uncompilable", `contracts: { dir: uncompilable }\n`);
    const { code, stderr } = await runInProcess(["start", "-c", file], { env });
    expect(code).toBe(78);
    expect(stderr).toContain(join(contracts, "orders.json"));
    expect(stderr).toMatch(/schema does not compile/);
  });

  it("a YAML alias bomb", async () => {
    const file = await configFile("bomb", aliasBomb());
    const { code, stderr } = await runInProcess(["start", "-c", file], { env });
    expect(code).toBe(78);
    expect(stderr).toMatch(new RegExp(`${file.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}:\\d+:\\d+ .*aliases`));
  });

  it("an ops server on a non-loopback host without a token", async () => {
    const file = await configFile("open-ops", "children: []\n", "\n  name: exit\n  ops: { host: 0.0.0.0, port: 0 }");
    const { code, stderr } = await runInProcess(["start", "-c", file], { env });
    expect(code).toBe(78);
    expect(stderr).toContain(`${file}:3:`);
    expect(stderr).toMatch(/runtime\.ops\.host: .*0\.0\.0\.0.*without runtime\.ops\.token/);
  });
});

describe("plexus validate and plexus doctor report the same configuration errors", () => {
  it("validate lists each with file:line and exits 1", async () => {
    const cases: Array<[string, RegExp]> = [
      [await configFile("v-no-contracts", "contracts: { dir: missing-dir }\n"), /:2:\d+ contracts\.dir: contracts directory/],
      [await configFile("v-bomb", aliasBomb()), /:\d+:\d+ .*aliases/],
      [await configFile("v-open-ops", "children: []\n", "\n  name: exit\n  ops: { host: 0.0.0.0 }"), /:3:\d+ runtime\.ops\.host:/],
    ];
    for (const [file, problem] of cases) {
      const { code, stderr } = await runInProcess(["validate", "-c", file], { env });
      expect(code).toBe(1);
      expect(stderr).toContain(file);
      expect(stderr).toMatch(problem);
    }
  });

  it("doctor fails its config check (exit 1) naming the problem", async () => {
    for (const [file, problem] of [
      [await configFile("d-bomb", aliasBomb()), /aliases/],
      [await configFile("d-open-ops", "children: []\n", "\n  name: exit\n  ops: { host: 0.0.0.0 }"), /runtime\.ops\.host/],
    ] as const) {
      const { code, stdout } = await runInProcess(["doctor", "-c", file], { env });
      expect(code).toBe(1);
      expect(stdout).toMatch(problem);
    }
  });
});
