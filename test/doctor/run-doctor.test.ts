import { createServer, type Server } from "node:http";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { silentLogger } from "../../src/common/logger.js";
import { runDoctor, type DoctorCheckResult } from "../../src/doctor/run-doctor.js";
import { BROKEN_CONTRACT, DoctorScratch, GOOD_CONTRACT, configYaml, unusedPort } from "./doctor-fixtures.js";

const log = silentLogger();

function byName(results: readonly DoctorCheckResult[], name: string): DoctorCheckResult {
  const found = results.find((result) => result.name === name);
  if (!found) throw new Error(`no "${name}" check in ${results.map((r) => r.name).join(", ")}`);
  return found;
}

/** An HTTP server on an ephemeral port answering every request with `status` and `body`. */
async function httpServer(status: number, body: string): Promise<{ port: number; server: Server }> {
  const server = createServer((_request, response) => {
    response.writeHead(status, { "content-type": "application/json" });
    response.end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { port: (server.address() as { port: number }).port, server };
}

describe("runDoctor on the memory transport", () => {
  let scratch: DoctorScratch;
  const servers: Server[] = [];

  beforeEach(async () => {
    scratch = await DoctorScratch.create();
  });

  afterEach(async () => {
    await Promise.all(servers.splice(0).map((server) => new Promise((resolve) => server.close(resolve))));
    await scratch.dispose();
  });

  it("passes every check of a sound config and exits 0, in the documented order", async () => {
    await scratch.contracts({ "good.json": GOOD_CONTRACT });
    const configPath = await scratch.config(configYaml("{ kind: memory }", "contracts: { dir: contracts, mode: enforce }"));
    const { results, exitCode } = await runDoctor({ configPath, log });
    expect(results.map((result) => result.name)).toEqual([
      "config",
      "transport",
      "ops health",
      "consumer group",
      "round trip",
      "contracts",
    ]);
    expect(exitCode).toBe(0);
    expect(results.every((result) => result.ok)).toBe(true);
    expect(byName(results, "round trip").skipped).toBeUndefined();
    expect(byName(results, "round trip").detail).toMatch(/published and received _doctor\.[0-9a-f]+ through the memory transport/);
    expect(byName(results, "consumer group")).toMatchObject({ skipped: true });
    expect(byName(results, "ops health")).toMatchObject({ skipped: true, detail: expect.stringMatching(/disabled/) });
    expect(byName(results, "contracts").detail).toMatch(/1 contract\(s\) .* compile/);
  });

  it("exits 1 with the loader's error text when the config does not load, and runs nothing else", async () => {
    const configPath = await scratch.config("runtime:\n  name: x\ntransport: { kind: carrier-pigeon }\nchildren: []\n");
    const { results, exitCode } = await runDoctor({ configPath, log });
    expect(exitCode).toBe(1);
    const config = byName(results, "config");
    expect(config.ok).toBe(false);
    expect(config.detail).toMatch(/invalid config/);
    expect(config.detail).toMatch(/transport\.kind/);
    expect(config.detail).toMatch(/:3:/); // file:line of the offending key
    expect(config.fix).toMatch(/plexus validate -c/);
    expect(results.slice(1).every((result) => result.skipped === true && /config did not load/.test(result.detail))).toBe(true);
  });

  it("exits 1 for a config file that does not exist", async () => {
    const { results, exitCode } = await runDoctor({ configPath: `${scratch.dir}/missing.yaml`, log });
    expect(exitCode).toBe(1);
    expect(byName(results, "config").detail).toMatch(/missing\.yaml/);
  });

  it("exits 4 naming every contract that does not compile", async () => {
    await scratch.contracts({ "good.json": GOOD_CONTRACT, "broken.json": BROKEN_CONTRACT, "not-json.json": "{ nope" });
    const configPath = await scratch.config(configYaml("{ kind: memory }", "contracts: { dir: contracts, mode: enforce }"));
    const { results, exitCode } = await runDoctor({ configPath, log });
    expect(exitCode).toBe(4);
    const contracts = byName(results, "contracts");
    expect(contracts.ok).toBe(false);
    expect(contracts.detail).toMatch(/2 contract problem/);
    expect(contracts.detail).toMatch(/broken\.json/);
    expect(contracts.detail).toMatch(/not-json\.json:1:3: not valid JSON/);
    expect(contracts.fix).toBeDefined();
    // The round trip is unaffected by contracts (it never applies them).
    expect(byName(results, "round trip").ok).toBe(true);
  });

  it("warns, without failing, when the config enables ops but no runtime is running", async () => {
    const port = await unusedPort();
    const configPath = await scratch.config(configYaml("{ kind: memory }", "", `{ host: 127.0.0.1, port: ${port} }`));
    const { results, exitCode } = await runDoctor({ configPath, log });
    expect(exitCode).toBe(0);
    const ops = byName(results, "ops health");
    expect(ops).toMatchObject({ ok: true, warning: true });
    expect(ops.detail).toContain(`http://127.0.0.1:${port}/health`);
    expect(ops.fix).toBe(`start it with plexus start -c ${configPath}`);
  });

  it("reports a running runtime's health from GET /health", async () => {
    const { port, server } = await httpServer(
      200,
      JSON.stringify({ name: "orion", ok: true, ready: true, state: "running", actors: [{}, {}] }),
    );
    servers.push(server);
    const configPath = await scratch.config(configYaml("{ kind: memory }", "", `{ host: 127.0.0.1, port: ${port} }`));
    const { results } = await runDoctor({ configPath, log });
    const ops = byName(results, "ops health");
    expect(ops).toMatchObject({ ok: true, detail: `orion at http://127.0.0.1:${port}/health is running, 2 actors` });
    expect(ops.warning).toBeUndefined();
  });

  it("warns with the state and reason of an unhealthy runtime", async () => {
    const { port, server } = await httpServer(
      503,
      JSON.stringify({ name: "orion", ok: false, ready: false, state: "failed", reason: "root supervisor gave up", actors: [] }),
    );
    servers.push(server);
    const configPath = await scratch.config(configYaml("{ kind: memory }", "", `{ host: 127.0.0.1, port: ${port} }`));
    const { results, exitCode } = await runDoctor({ configPath, log });
    expect(exitCode).toBe(0);
    const ops = byName(results, "ops health");
    expect(ops).toMatchObject({ ok: true, warning: true });
    expect(ops.detail).toMatch(/unhealthy \(failed: root supervisor gave up\)/);
    expect(ops.fix).toMatch(/plexus status --url/);
  });

  it("fails with exit 1 when something that is not plexus holds the ops port", async () => {
    const { port, server } = await httpServer(404, "<html>not found</html>");
    servers.push(server);
    const configPath = await scratch.config(configYaml("{ kind: memory }", "", `{ host: 127.0.0.1, port: ${port} }`));
    const { results, exitCode } = await runDoctor({ configPath, log });
    expect(exitCode).toBe(1);
    const ops = byName(results, "ops health");
    expect(ops.ok).toBe(false);
    expect(ops.detail).toMatch(/not a plexus ops server/);
    expect(ops.fix).toMatch(new RegExp(`another program holds port ${port}`));
  });
});
