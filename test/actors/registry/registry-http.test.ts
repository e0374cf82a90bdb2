import { describe, expect, it } from "vitest";
import type { Envelope } from "../../../src/index.js";
import { createRuntime, silentLogger, type Runtime } from "../../../src/index.js";
import { runtimeScope } from "../../helpers/runtime-scope.js";
import { waitFor } from "../../helpers/wait.js";

const scope = runtimeScope("plexus-registry-");

interface Started {
  runtime: Runtime;
  url: string;
  events: Envelope[];
}

async function startRegistry(options: Record<string, unknown> = {}, stateDir?: string): Promise<Started> {
  const runtime = createRuntime({
    logger: silentLogger(),
    config: {
      runtime: { name: "registry-test", ops: { port: 0 }, stateDir: stateDir ?? (await scope.stateDir()) },
      children: [{ id: "registry", kind: "registry", options: { port: 0, ...options } }],
    },
  });
  scope.runtime = runtime;
  await runtime.start();
  const events: Envelope[] = [];
  await runtime.bus.subscribe("registry.>", (envelope) => void events.push(envelope));
  const url = await registryUrl(runtime);
  return { runtime, url, events };
}

async function registryUrl(runtime: Runtime): Promise<string> {
  const health = (await (await fetch(`${runtime.opsAddress!.url}/health`)).json()) as {
    actors: Array<{ kind: string; status?: { url?: string } }>;
  };
  const url = health.actors.find((actor) => actor.kind === "registry")?.status?.url;
  if (url === undefined) throw new Error("registry url not in /health");
  return url;
}

async function call(method: string, url: string, body?: unknown, headers: Record<string, string> = {}) {
  const response = await fetch(url, {
    method,
    headers: body === undefined ? headers : { "content-type": "application/json", ...headers },
    ...(body === undefined ? {} : { body: typeof body === "string" ? body : JSON.stringify(body) }),
  });
  const text = await response.text();
  return {
    status: response.status,
    headers: response.headers,
    body: text === "" ? undefined : (JSON.parse(text) as Record<string, unknown>),
  };
}

describe("registry HTTP API", () => {
  it("registers, lists, heartbeats, deregisters, with the documented status codes and events", async () => {
    const { url, events } = await startRegistry({ renewedEventEvery: 1 });
    expect((await call("GET", `${url}/services`)).body).toEqual([]);

    const created = await call("POST", `${url}/services`, {
      name: "test_service",
      url: "http://127.0.0.1:9001",
      id: "a1",
      meta: { zone: "z1" },
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      name: "test_service",
      id: "a1",
      url: "http://127.0.0.1:9001",
      meta: { zone: "z1" },
      health: "passing",
      heartbeat: 30,
    });
    const generated = await call("POST", `${url}/services`, { name: "maximus_core_service", url: "https://10.0.0.2:8443" });
    expect(generated.status).toBe(201);
    expect(typeof generated.body!.id).toBe("string");

    // Re-registering the same id is idempotent: still one instance, same registeredAt.
    const again = await call("POST", `${url}/services`, {
      name: "test_service",
      url: "http://127.0.0.1:9001",
      id: "a1",
      meta: { zone: "z1" },
    });
    expect(again.status).toBe(201);
    expect(again.body!.registeredAt).toBe(created.body!.registeredAt);

    expect((await call("GET", `${url}/services`)).body).toEqual(["maximus_core_service", "test_service"]);
    const service = await call("GET", `${url}/services/test_service`);
    expect(service.status).toBe(200);
    expect(service.headers.get("x-registry-index")).toMatch(/^\d+$/);
    const instances = service.body!.instances as Array<Record<string, unknown>>;
    expect(instances).toHaveLength(1);
    expect(Object.keys(instances[0]!).sort()).toEqual(["expiresAt", "health", "id", "lastHeartbeat", "meta", "registeredAt", "url"]);

    expect((await call("PUT", `${url}/services/test_service/a1/heartbeat`)).status).toBe(200);
    expect((await call("PUT", `${url}/services/test_service/nope/heartbeat`)).status).toBe(404);
    expect((await call("GET", `${url}/services/unknown`)).status).toBe(404);
    expect((await call("DELETE", `${url}/services/test_service/a1`)).status).toBe(204);
    expect((await call("GET", `${url}/services/test_service`)).status).toBe(404);
    expect((await call("PUT", `${url}/services/test_service/a1/heartbeat`)).status).toBe(404);

    await waitFor(() => events.some((e) => e.topic === "registry.deregistered"), "deregistered event");
    const topics = events.map((e) => e.topic);
    expect(topics).toContain("registry.registered");
    expect(topics).toContain("registry.renewed");
    expect(events.find((e) => e.topic === "registry.deregistered")!.payload).toMatchObject({
      name: "test_service",
      id: "a1",
      url: "http://127.0.0.1:9001",
    });
  });

  it("answers bad JSON with 400 and the reason, invalid fields with 422 naming them, and bodies over 64 KB with 413", async () => {
    const { url } = await startRegistry();
    const bad = await call("POST", `${url}/services`, '{"name": "x",');
    expect(bad.status).toBe(400);
    expect(String(bad.body!.error)).toMatch(/not valid JSON: .+/);

    const missing = await call("POST", `${url}/services`, { meta: { a: 1 }, ttl: 0 });
    expect(missing.status).toBe(422);
    expect((missing.body!.fields as Array<{ field: string }>).map((f) => f.field).sort()).toEqual(["meta", "name", "ttl", "url"]);
    const badUrl = await call("POST", `${url}/services`, { name: "ok", url: "ftp://x" });
    expect(badUrl.status).toBe(422);
    expect(String(badUrl.body!.error)).toContain("url");
    expect((await call("POST", `${url}/services`, [1, 2])).status).toBe(422);

    const huge = await call("POST", `${url}/services`, { name: "big", url: "http://x.test", meta: { blob: "x".repeat(70_000) } });
    expect(huge.status).toBe(413);
    expect((await call("GET", `${url}/services/x?wait=soon&index=1`)).status).toBe(400);
  });

  it("requires the bearer token for writes when one is set, and reads stay open", async () => {
    const { url } = await startRegistry({ token: "s3cret" });
    const body = { name: "svc", url: "http://x.test", id: "1" };
    expect((await call("POST", `${url}/services`, body)).status).toBe(401);
    expect((await call("POST", `${url}/services`, body, { authorization: "Bearer wrong" })).status).toBe(401);
    expect((await call("POST", `${url}/services`, body, { authorization: "Bearer s3cret" })).status).toBe(201);
    expect((await call("PUT", `${url}/services/svc/1/heartbeat`)).status).toBe(401);
    expect((await call("GET", `${url}/services/svc`)).status).toBe(200);
  });

  it("refuses to listen beyond loopback without a token", async () => {
    const runtime = createRuntime({
      logger: silentLogger(),
      config: {
        runtime: { name: "registry-test", ops: { port: 0 }, stateDir: await scope.stateDir() },
        children: [{ id: "registry", kind: "registry", options: { host: "0.0.0.0", port: 0 } }],
      },
    });
    scope.runtime = runtime;
    await expect(runtime.start()).rejects.toThrow(/registry "registry" server on 0\.0\.0\.0 .*no token/);
  });

  it("expires an instance that stops heartbeating within a second of its TTL, and publishes registry.expired", async () => {
    const { url, events } = await startRegistry({ eviction: { minInstances: 100 } });
    const registered = await call("POST", `${url}/services`, { name: "short", url: "http://x.test", id: "s1", ttl: 1 });
    const expiresAt = Date.parse(String(registered.body!.expiresAt));
    await waitFor(() => events.some((e) => e.topic === "registry.expired"), "expired event", 5_000);
    const expired = events.find((e) => e.topic === "registry.expired")!;
    expect(Date.parse((expired.payload as { at: string }).at) - expiresAt).toBeLessThan(1_100);
    expect((await call("GET", `${url}/services/short`)).status).toBe(404);
    expect((await call("PUT", `${url}/services/short/s1/heartbeat`)).status).toBe(404);
    // Re-registration after expiry.
    expect((await call("POST", `${url}/services`, { name: "short", url: "http://x.test", id: "s1", ttl: 60 })).status).toBe(201);
    expect((await call("GET", `${url}/services/short`)).status).toBe(200);
  });

  it("long-polls ?wait=&index= until the instance set changes, and answers on timeout with the same index", async () => {
    const { url } = await startRegistry();
    await call("POST", `${url}/services`, { name: "watched", url: "http://a.test", id: "a" });
    const first = await call("GET", `${url}/services/watched`);
    const index = first.headers.get("x-registry-index")!;
    const timedOut = await call("GET", `${url}/services/watched?wait=200ms&index=${index}`);
    expect(timedOut.headers.get("x-registry-index")).toBe(index);
    // A heartbeat is not a change of the instance set.
    await call("PUT", `${url}/services/watched/a/heartbeat`);
    const watching = call("GET", `${url}/services/watched?wait=10s&index=${index}`);
    await call("PUT", `${url}/services/watched/a/heartbeat`);
    await call("POST", `${url}/services`, { name: "watched", url: "http://b.test", id: "b" });
    const changed = await watching;
    expect(Number(changed.headers.get("x-registry-index"))).toBeGreaterThan(Number(index));
    expect((changed.body!.instances as Array<{ id: string }>).map((i) => i.id)).toEqual(["a", "b"]);
  });

  it("keeps its leases across a restart (memory store persisted in the state directory), each with a fresh TTL", async () => {
    const stateDir = await scope.stateDir();
    const first = await startRegistry({}, stateDir);
    await call("POST", `${first.url}/services`, { name: "kept", url: "http://k.test", id: "k1", meta: { v: "1" } });
    await first.runtime.stop();
    scope.runtime = undefined;
    const second = await startRegistry({}, stateDir);
    const service = await call("GET", `${second.url}/services/kept`);
    expect(service.status).toBe(200);
    expect(service.body!.instances).toEqual([expect.objectContaining({ id: "k1", url: "http://k.test", meta: { v: "1" } })]);
    expect((await call("PUT", `${second.url}/services/kept/k1/heartbeat`)).status).toBe(200);
  });

  it("reports the eviction alarm as degraded in the registry's /health and the runtime's /health", async () => {
    const { url, runtime } = await startRegistry({ eviction: { minInstances: 2, pauseShare: 0.4 } });
    await call("POST", `${url}/services`, { name: "fleet", url: "http://a.test", id: "a", ttl: 1 });
    await call("POST", `${url}/services`, { name: "fleet", url: "http://b.test", id: "b", ttl: 1 });
    await waitFor(async () => (await call("GET", `${url}/health`)).body!.status === "degraded", "registry /health degraded", 5_000);
    const health = (await (await fetch(`${runtime.opsAddress!.url}/health`)).json()) as {
      actors: Array<{ kind: string; status?: Record<string, unknown> }>;
    };
    expect(health.actors.find((a) => a.kind === "registry")!.status).toMatchObject({ degraded: true, evictionPaused: true });
    const metrics = await (await fetch(`${runtime.opsAddress!.url}/metrics`)).text();
    expect(metrics).toMatch(/plexus_registry_eviction_paused 1/);
    // Renewals recover: both heartbeat (allowed while paused) and the alarm clears.
    expect((await call("PUT", `${url}/services/fleet/a/heartbeat`)).status).toBe(200);
    expect((await call("PUT", `${url}/services/fleet/b/heartbeat`)).status).toBe(200);
    await waitFor(async () => (await call("GET", `${url}/health`)).body!.status === "ok", "registry /health ok again", 5_000);
  });
});
