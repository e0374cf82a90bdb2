import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { createRuntime } from "../../src/create-runtime.js";
import { silentLogger } from "../../src/common/logger.js";
import { loadConfig } from "../../src/runtime/config/load-config.js";
import type { Runtime } from "../../src/runtime/runtime.js";

const runtimes: Runtime[] = [];
const directories: string[] = [];

afterEach(async () => {
  await Promise.all(runtimes.splice(0).map((runtime) => runtime.stop()));
  await Promise.all(directories.splice(0).map((directory) => rm(directory, { recursive: true, force: true })));
});

async function directory(): Promise<string> {
  const created = await mkdtemp(join(tmpdir(), "plexus-runtime-ops-"));
  directories.push(created);
  return created;
}

function started(runtime: Runtime): Runtime {
  runtimes.push(runtime);
  return runtime;
}

describe("the ops server of an embedded runtime", () => {
  it("does not run for an object config without runtime.ops, so two runtimes share one process", async () => {
    const first = started(createRuntime({ logger: silentLogger(), config: { runtime: { name: "first", stateDir: await directory() } } }));
    const second = started(createRuntime({ logger: silentLogger(), config: { runtime: { name: "second", stateDir: await directory() } } }));
    await first.start();
    await second.start();
    expect([first.state, second.state]).toEqual(["running", "running"]);
    expect(first.opsAddress).toBeUndefined();
    expect(second.opsAddress).toBeUndefined();
    expect(first.config.runtime.ops.enabled).toBe(false);
  });

  it("runs for an object config that asks for it with runtime.ops", async () => {
    const runtime = started(
      createRuntime({ logger: silentLogger(), config: { runtime: { ops: { port: 0 }, stateDir: await directory() } } }),
    );
    await runtime.start();
    const health = await fetch(`${runtime.opsAddress?.url ?? "http://no-ops-server"}/health`);
    expect(health.status).toBe(200);
  });

  it("runs by default for a config file", async () => {
    const dir = await directory();
    // Without runtime.ops a file turns the server on at its default address...
    await writeFile(join(dir, "bare.yaml"), "runtime: { name: from-file }\n");
    expect((await loadConfig(join(dir, "bare.yaml"), { kinds: new Map() })).runtime.ops).toMatchObject({ enabled: true, port: 8001 });
    // ...and a file that only moves it to an ephemeral port still runs it.
    await writeFile(
      join(dir, "plexus.yaml"),
      `runtime: { name: from-file, ops: { port: 0 }, stateDir: ${JSON.stringify(join(dir, "state"))} }\n`,
    );
    const runtime = started(createRuntime({ logger: silentLogger(), config: join(dir, "plexus.yaml") }));
    await runtime.start();
    expect(runtime.opsAddress?.port).toBeGreaterThan(0);
    expect((await fetch(`${runtime.opsAddress?.url ?? ""}/health`)).status).toBe(200);
  });
});
