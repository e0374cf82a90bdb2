import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Envelope } from "../../src/transports/envelope.js";
import { waitFor } from "../helpers/wait.js";
import { runCliProcess, startCli } from "./cli-process.js";
import { runInProcess } from "./memory-io.js";

const shippedConfig = fileURLToPath(new URL("../../config/plexus.yaml", import.meta.url));
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "plexus-bin-"));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

function memoryConfig(name: string, extra = ""): string {
  return `runtime:
  name: ${name}
  ops: { host: 127.0.0.1, port: 0 }
  stateDir: ${JSON.stringify(join(dir, "state"))}
transport: { kind: memory }
children:
  - id: beat
    kind: heartbeat
    options: { everyMs: 50 }
  - id: group
    supervisor: { strategy: one_for_all }
    children:
      - id: inner
        kind: heartbeat
        options: { everyMs: 1000 }
${extra}`;
}

describe("plexus bin: help and validate", () => {
  it("prints help with examples, the version, and exits 64 on a usage error", async () => {
    const [help, pubHelp, version, unknown] = await Promise.all([
      runCliProcess(["--help"]),
      runInProcess(["pub", "--help"]),
      runInProcess(["--version"]),
      runInProcess(["frobnicate"]),
    ]);
    expect(help.code).toBe(0);
    for (const command of ["start", "validate", "status", "questions", "pub", "sub", "doctor", "scan"])
      expect(help.stdout).toContain(`${command} `);
    expect(pubHelp.code).toBe(0);
    expect(pubHelp.stdout).toContain("Examples:");
    expect(pubHelp.stdout).toContain("PLEXUS_TOKEN");
    expect(version.stdout.trim()).toMatch(/^\d+\.\d+\.\d+/);
    expect(unknown.code).toBe(64);
    expect(unknown.stderr).toContain("unknown command");
  });

  it("validate: exit 0 with the actor count, 1 listing every problem, and the shipped default from any cwd", async () => {
    const good = join(dir, "good.yaml");
    const bad = join(dir, "bad.yaml");
    await writeFile(good, memoryConfig("good"));
    await writeFile(
      bad,
      "runtime: { name: bad }\nchildren:\n  - id: a\n    kind: hartbeat\n  - id: b\n    kind: heartbeat\n    restart: sometimes\n",
    );
    const [ok, invalid, shipped] = await Promise.all([
      runCliProcess(["validate", "-c", good]),
      runCliProcess(["validate", "-c", bad]),
      runCliProcess(["validate"], { cwd: dir }),
    ]);
    expect(ok).toMatchObject({ code: 0, stdout: `ok: ${good} (3 actors)\n` });
    expect(invalid.code).toBe(1);
    expect(invalid.stdout).toBe("");
    expect(invalid.stderr).toContain("2 problems");
    expect(invalid.stderr).toContain(`${bad}:4:`);
    expect(invalid.stderr).toContain("hartbeat");
    expect(invalid.stderr).toContain("sometimes");
    expect(shipped.code).toBe(0);
    expect(shipped.stdout).toContain(`ok: ${shippedConfig}`);
  });
});

describe("plexus bin: start with pub, sub and status against it", () => {
  it("runs a tree, serves the client commands, and exits 0 on SIGTERM", async () => {
    const file = join(dir, "run.yaml");
    await writeFile(file, memoryConfig("e2e"));
    const runtime = startCli(["start", "-c", file]);
    try {
      const url = (await waitFor(
        () => /ops server listening on (http:\/\/[\d.:]+)/.exec(runtime.stderr())?.[1],
        "the ops server URL in the logs",
        15_000,
      )) as string;

      const sub = startCli(["sub", "demo.*", "--count", "1", "--timeout", "20", "--url", url]);
      await waitFor(() => sub.stderr().includes("subscribed to demo.*"), "the subscription", 10_000);
      const [published, status] = await Promise.all([
        runCliProcess(["pub", "demo.hello", '{"hi": true}', "--url", url]),
        runCliProcess(["status", "--url", url]),
      ]);
      expect(published.code).toBe(0);
      expect(await sub.exited).toBe(0);
      const envelope = JSON.parse(sub.stdout()) as Envelope;
      expect(envelope).toMatchObject({ id: published.stdout.trim(), topic: "demo.hello", payload: { hi: true } });

      expect(status.code).toBe(0);
      expect(status.stdout).toMatch(/^runtime e2e: running/);
      expect(status.stdout).toMatch(/\n {2}beat\s+heartbeat\s+running\s+0\n/);
      expect(status.stdout).toMatch(/\n {4}inner\s+heartbeat\s+running/);

      runtime.child.kill("SIGTERM");
      expect(await runtime.exited).toBe(0);
      expect(runtime.stderr()).toContain("SIGTERM received");
    } finally {
      runtime.child.kill("SIGKILL");
    }
    // Four CLI processes start one after another, each loading the sources through tsx: over 10 s
    // on a loaded 2-core machine.
  }, 60_000);

  it("exits 78 with the problems on an invalid config", async () => {
    const file = join(dir, "broken.yaml");
    await writeFile(file, "runtime: { name: broken }\nchildren:\n  - id: x\n    kind: no-such-kind\n");
    const result = await runCliProcess(["start", "-c", file]);
    expect(result.code).toBe(78);
    expect(result.stderr).toContain("no-such-kind");
    expect(result.stderr).toContain(`${file}:4:`);
  });
});
