import { spawn } from "node:child_process";
import { mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import { waitFor } from "plexus/testing";
import { buildService, type Service } from "../src/service.js";

const dirs: string[] = [];
const services: Service[] = [];
afterEach(async () => {
  for (const service of services.splice(0)) await service.app.close();
  for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
});

async function stateDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "plexus-embed-fastify-"));
  dirs.push(dir);
  return dir;
}

/** The service listening on an ephemeral port, and a small HTTP client for it. */
async function listening(options: { stateDir: string; seeds?: string[] }) {
  const service = await buildService(options);
  services.push(service);
  const url = await service.app.listen({ host: "127.0.0.1", port: 0 });
  const call = async (method: string, path: string, body?: unknown) => {
    const response = await fetch(`${url}${path}`, {
      method,
      ...(body === undefined ? {} : { headers: { "content-type": "application/json" }, body: JSON.stringify(body) }),
    });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  };
  return { service, call };
}

describe("the embed-fastify example", () => {
  it("answers a request through an actor, and counts orders published from a route", async () => {
    const { call } = await listening({ stateDir: await stateDir() });
    expect(await call("GET", "/double/21")).toEqual({ status: 200, body: { n: 21, doubled: 42 } });
    expect((await call("GET", "/double/x")).status).toBe(400);

    expect((await call("POST", "/orders", { sku: "kettle", quantity: 2 })).status).toBe(202);
    expect((await call("POST", "/orders", { sku: "lamp", quantity: 1 })).status).toBe(202);
    expect((await call("POST", "/orders", { sku: "kettle", quantity: 3 })).status).toBe(202);
    // Refused by the route's schema: never published.
    expect((await call("POST", "/orders", { sku: "kettle", quantity: 0 })).status).toBe(400);
    const totals = await waitFor(
      async () => {
        const { body } = await call("GET", "/orders/totals");
        return body.orders === 3 ? body : undefined;
      },
      { message: "three orders in the ledger" },
    );
    expect(totals).toEqual({ orders: 3, bySku: { kettle: 5, lamp: 1 } });
  });

  it("drives a seed's lifecycle over the bus; a command the state does not take changes nothing", async () => {
    const { call } = await listening({ stateDir: await stateDir(), seeds: ["alpha", "beta"] });
    const events = async (seedId: string) => (await call("GET", `/seeds/${seedId}/events`)).body.events as Array<{ type: string }>;
    for (const type of ["GERMINATE", "FOSSILIZE", "START_TRAINING", "START_GRAFTING"]) {
      expect((await call("POST", "/seeds/alpha/commands", { type })).status).toBe(202);
    }
    expect((await call("POST", "/seeds/alpha/commands", { type: "CULL", reason: "diverged" })).status).toBe(202);
    const alpha = await waitFor(
      async () => {
        const list = await events("alpha");
        return list.some((event) => event.type === "culled") ? list : undefined;
      },
      { message: "alpha culled" },
    );
    // FOSSILIZE from GERMINATED was not taken: germinated, grafted, culled, and nothing else.
    expect(alpha.map((event) => event.type)).toEqual(["germinated", "grafted", "culled"]);
    expect(alpha[2]).toMatchObject({ payload: { seedId: "alpha", reason: "diverged" } });
    // Commands go to one seed: beta saw nothing.
    expect(await events("beta")).toEqual([]);
    expect((await call("POST", "/seeds/alpha/commands", { type: "EXPLODE" })).status).toBe(400);
  });

  it("closes gracefully: the runtime stops with the app, and the ledger's totals survive a restart", async () => {
    const dir = await stateDir();
    const first = await listening({ stateDir: dir });
    await first.call("POST", "/orders", { sku: "kettle", quantity: 4 });
    await waitFor(async () => (await first.call("GET", "/orders/totals")).body.orders === 1, { message: "the order counted" });
    await first.service.app.close();
    services.splice(services.indexOf(first.service), 1);
    expect(first.service.runtime.state).toBe("stopped");

    const second = await listening({ stateDir: dir });
    expect((await second.call("GET", "/orders/totals")).body).toEqual({ orders: 1, bySku: { kettle: 4 } });
  });

  it("runs as a process that stops its actors in order on SIGTERM and exits 0", async () => {
    const dir = await stateDir();
    const repoRoot = fileURLToPath(new URL("../../../", import.meta.url));
    const main = fileURLToPath(new URL("../src/main.ts", import.meta.url));
    const tsx = pathToFileURL(join(repoRoot, "node_modules", "tsx", "dist", "loader.mjs")).href;
    const child = spawn(process.execPath, ["--import", tsx, main], {
      cwd: repoRoot,
      env: { ...process.env, PORT: "0", STATE_DIR: dir },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString("utf8")));
    child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString("utf8")));
    const exited = new Promise<number | null>((resolve) => child.on("close", (code) => resolve(code)));
    try {
      const url = await waitFor(() => /Server listening at (http:\/\/127\.0\.0\.1:\d+)/.exec(output)?.[1], {
        timeoutMs: 20_000,
        message: "the service to listen",
      });
      expect((await fetch(`${url}/double/4`)).status).toBe(200);
      await fetch(`${url}/orders`, { method: "POST", headers: { "content-type": "application/json" }, body: '{"sku":"a","quantity":1}' });
      child.kill("SIGTERM");
      expect(await exited).toBe(0);
    } finally {
      if (child.exitCode === null) child.kill("SIGKILL");
    }
    expect(output).toContain("service closed");
    expect(output).toContain("runtime stopped");
    // The ledger's stop function ran: its totals are on disk.
    expect((await readdir(dir)).some((file) => file.includes("ledger"))).toBe(true);
  }, 40_000);
});
