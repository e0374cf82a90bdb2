import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { createRuntime, silentLogger, startRegistration, type Registration, type Runtime } from "../../../src/index.js";
import { runtimeScope } from "../../helpers/runtime-scope.js";
import { waitFor } from "../../helpers/wait.js";
import { startCli } from "../../cli/cli-process.js";

const scope = runtimeScope("plexus-sidecar-");
const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** A real HTTP service whose health answer the test switches. */
async function startService(): Promise<{ url: string; healthStatus: { code: number }; healthChecks: () => number }> {
  const healthStatus = { code: 503 };
  let checks = 0;
  const server: Server = createServer((request, response) => {
    if (request.url === "/health") {
      checks++;
      response.writeHead(healthStatus.code).end();
      return;
    }
    response.writeHead(200).end("hello");
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  cleanups.push(
    () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  );
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, healthStatus, healthChecks: () => checks };
}

async function startRegistryRuntime(port: number): Promise<{ runtime: Runtime; url: string }> {
  const runtime = createRuntime({
    logger: silentLogger(),
    config: {
      runtime: { name: "registry", ops: { port: 0 }, stateDir: await scope.stateDir() },
      children: [{ id: "registry", kind: "registry", options: { port } }],
    },
  });
  await runtime.start();
  const health = (await (await fetch(`${runtime.opsAddress!.url}/health`)).json()) as {
    actors: Array<{ kind: string; status?: { url?: string } }>;
  };
  return { runtime, url: health.actors.find((actor) => actor.kind === "registry")!.status!.url! };
}

async function instanceIds(registryUrl: string, name: string): Promise<string[]> {
  const response = await fetch(`${registryUrl}/services/${name}`);
  if (response.status === 404) return [];
  return ((await response.json()) as { instances: Array<{ id: string }> }).instances.map((instance) => instance.id);
}

describe("sidecar (startRegistration) against a real service and a real registry", () => {
  it("waits for health, registers, heartbeats, pauses while unhealthy, survives a registry restart, deregisters on stop", async () => {
    const service = await startService();
    let registry = await startRegistryRuntime(0);
    const port = Number(new URL(registry.url).port);
    const lines: string[] = [];
    const log = {
      info: (_: unknown, message?: string) => void lines.push(message ?? ""),
      warn: (_: unknown, message?: string) => void lines.push(message ?? ""),
    };
    const registration: Registration = startRegistration({
      registry: registry.url,
      name: "orders",
      url: service.url,
      health: "/health",
      id: "orders-1",
      ttl: 3,
      heartbeat: 0.1,
      meta: { zone: "a" },
      healthIntervalMs: 50,
      backoff: { minMs: 100, maxMs: 400, jitter: 0.2 },
      log,
    });
    cleanups.push(() => registration.stop());

    // Not healthy yet: several health checks, and still nothing registered.
    await waitFor(() => service.healthChecks() >= 3, "three health checks");
    expect(registration.status().state).toBe("waiting-for-health");
    expect(await instanceIds(registry.url, "orders")).toEqual([]);

    service.healthStatus.code = 200;
    await waitFor(() => registration.status().heartbeats >= 3, "three heartbeats");
    expect(await instanceIds(registry.url, "orders")).toEqual(["orders-1"]);
    const shown = (await (await fetch(`${registry.url}/services/orders`)).json()) as { instances: Array<{ url: string; meta: unknown }> };
    expect(shown.instances[0]).toMatchObject({ url: service.url, meta: { zone: "a" } });

    // Unhealthy: heartbeats stop (witness: more health checks, no more heartbeats).
    service.healthStatus.code = 500;
    await waitFor(() => registration.status().state === "unhealthy", "unhealthy state");
    const beatsWhileUnhealthy = registration.status().heartbeats;
    const checks = service.healthChecks();
    await waitFor(() => service.healthChecks() >= checks + 3, "health checked again");
    expect(registration.status().heartbeats).toBe(beatsWhileUnhealthy);
    service.healthStatus.code = 200;
    await waitFor(() => registration.status().heartbeats > beatsWhileUnhealthy, "heartbeats again");

    // The registry restarts on the same port without the lease (fresh state): the sidecar backs
    // off while it is away, then gets 404 and registers again.
    await registry.runtime.stop();
    await waitFor(() => registration.status().state === "registry-unreachable", "registry unreachable");
    const registrations = registration.status().registrations;
    registry = await startRegistryRuntime(port);
    cleanups.push(() => registry.runtime.stop());
    await waitFor(
      async () => (await instanceIds(registry.url, "orders")).includes("orders-1"),
      "registered again after the restart",
      5_000,
    );
    expect(registration.status().registrations).toBe(registrations + 1);
    await waitFor(() => registration.status().state === "registered", "registered state");

    await registration.stop();
    expect(registration.status().state).toBe("stopped");
    expect(await instanceIds(registry.url, "orders")).toEqual([]);
    // Each state change logged once, not once per heartbeat.
    expect(lines.filter((line) => line === "sidecar: registered; heartbeating").length).toBeLessThanOrEqual(4);
    expect(lines).toContain("sidecar: the registry is unreachable or failing; retrying with backoff");
    expect(lines).toContain("sidecar: the service's health check fails; heartbeats stop until it passes");
  });

  it("never throws into the host when the registry does not exist: it backs off and reports it", async () => {
    const registration = startRegistration({
      registry: "http://127.0.0.1:1",
      name: "lonely",
      url: "http://127.0.0.1:2",
      backoff: { minMs: 20, maxMs: 40, jitter: 0 },
    });
    await waitFor(() => registration.status().failures >= 3, "three failed attempts");
    expect(registration.status()).toMatchObject({ state: "registry-unreachable", registered: false });
    await registration.stop();
    expect(registration.status().state).toBe("stopped");
  });

  it("plexus sidecar registers a service and deregisters on SIGTERM, exiting 0", async () => {
    const service = await startService();
    service.healthStatus.code = 200;
    const registry = await startRegistryRuntime(0);
    scope.runtime = registry.runtime;
    const cli = startCli([
      "sidecar",
      "--registry",
      registry.url,
      "--name",
      "billing",
      "--url",
      service.url,
      "--health",
      "/health",
      "--id",
      "billing-1",
      "--ttl",
      "5",
      "--heartbeat",
      "1",
      "--meta",
      "zone=b",
    ]);
    cleanups.push(async () => {
      if (cli.child.exitCode === null) cli.child.kill("SIGKILL");
      await cli.exited;
    });
    await waitFor(
      async () => (await instanceIds(registry.url, "billing")).includes("billing-1"),
      () => `registered by the CLI; stderr: ${cli.stderr()}`,
      20_000,
    );
    cli.child.kill("SIGTERM");
    expect(await cli.exited).toBe(0);
    expect(await instanceIds(registry.url, "billing")).toEqual([]);
    expect(cli.stderr()).toContain("sidecar: registered; heartbeating");
    expect(cli.stderr()).toContain("sidecar: stopped");
  }, 30_000);
});
