import { request as httpRequest, type IncomingMessage } from "node:http";
import { afterEach, describe, expect, it } from "vitest";
import { OpsClient } from "../../../src/cli/ops-client.js";
import type { ActorTreeNode } from "../../../src/runtime/lifecycle-types.js";
import { silentLogger } from "../../../src/common/logger.js";
import { Metrics } from "../../../src/common/metrics.js";
import { startOpsServer, type OpsServer, type OpsServerOptions, type OpsTarget } from "../../../src/runtime/ops/server.js";
import type { Envelope } from "../../../src/transports/envelope.js";
import { waitFor } from "../../helpers/wait.js";
import { TestBus } from "./test-bus.js";

const tree: ActorTreeNode = {
  id: "root",
  path: "root",
  type: "supervisor",
  kind: "one_for_one",
  state: "running",
  restarts: 0,
  children: [
    { id: "ticker", path: "root/ticker", type: "worker", kind: "heartbeat", state: "running", restarts: 2, lastError: "boom" },
    {
      id: "group",
      path: "root/group",
      type: "supervisor",
      kind: "rest_for_one",
      state: "running",
      restarts: 0,
      children: [{ id: "w", path: "root/group/w", type: "worker", kind: "heartbeat", state: "starting", restarts: 0 }],
    },
  ],
};

function makeTarget(overrides: Partial<OpsTarget> = {}) {
  let healthy = true;
  const bus = new TestBus();
  const target: OpsTarget = {
    name: "test-runtime",
    bus,
    metrics: new Metrics(),
    log: silentLogger(),
    tree: () => tree,
    health: () => ({ ok: healthy, ready: healthy, state: healthy ? "running" : "failed", ...(healthy ? {} : { reason: "root gave up" }) }),
    ...overrides,
  };
  return { target, bus, setHealthy: (value: boolean) => (healthy = value) };
}

const servers: OpsServer[] = [];
async function start(target: OpsTarget, options: Partial<OpsServerOptions> = {}): Promise<OpsServer> {
  const server = await startOpsServer(target, { host: "127.0.0.1", port: 0, maxBodyBytes: 4096, ...options });
  servers.push(server);
  return server;
}

afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

async function post(url: string, body: unknown, headers: Record<string, string> = {}) {
  const response = await fetch(url, {
    method: "POST",
    body: typeof body === "string" ? body : JSON.stringify(body),
    headers: { "content-type": "application/json", ...headers },
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

describe("ops server: state endpoints", () => {
  it("serves /health, /ready and /actors, turning 503 when the root is not running", async () => {
    const { target, setHealthy } = makeTarget();
    const server = await start(target);
    expect(server.address.port).toBeGreaterThan(0);
    expect(server.address.url).toBe(`http://127.0.0.1:${server.address.port}`);

    let response = await fetch(`${server.address.url}/health`);
    expect(response.status).toBe(200);
    const health = (await response.json()) as { name: string; state: string; actors: Array<Record<string, unknown>> };
    expect(health.name).toBe("test-runtime");
    expect(health.actors.map((a) => a.path)).toEqual(["root", "root/ticker", "root/group", "root/group/w"]);
    expect(health.actors[1]).toMatchObject({ state: "running", restarts: 2, lastError: "boom", kind: "heartbeat" });
    expect((await fetch(`${server.address.url}/ready`)).status).toBe(200);
    expect(await (await fetch(`${server.address.url}/actors`)).json()).toEqual(tree);

    setHealthy(false);
    response = await fetch(`${server.address.url}/health`);
    expect(response.status).toBe(503);
    expect(await response.json()).toMatchObject({ ok: false, state: "failed", reason: "root gave up" });
    const ready = await fetch(`${server.address.url}/ready`);
    expect(ready.status).toBe(503);
    expect(await ready.json()).toMatchObject({ ready: false, reason: "root gave up" });
  });

  it("serves Prometheus text with runtime and default process metrics, registering defaults once per registry", async () => {
    const { target } = makeTarget();
    target.metrics.counter("things_total", "things seen").inc(3);
    const first = await start(target);
    // A second server on the same registry (a restart of the ops server) must not double-register.
    const second = await start(target);
    for (const server of [first, second]) {
      const response = await fetch(`${server.address.url}/metrics`);
      expect(response.status).toBe(200);
      expect(response.headers.get("content-type")).toContain("text/plain");
      const text = await response.text();
      expect(text).toContain("plexus_things_total 3");
      expect(text).toContain("process_cpu_user_seconds_total");
      expect(text.match(/^# TYPE process_cpu_user_seconds_total/gm)).toHaveLength(1);
    }
  });
});

describe("ops server: POST /publish", () => {
  it("publishes and answers 202 with the envelope id, carrying headers", async () => {
    const { target, bus } = makeTarget();
    const server = await start(target);
    const response = await post(`${server.address.url}/publish`, { topic: "orders.created", payload: { id: 7 }, headers: { trace: "t1" } });
    expect(response.status).toBe(202);
    expect(bus.published).toHaveLength(1);
    expect(response.body.id).toBe(bus.published[0]!.id);
    expect(bus.published[0]).toMatchObject({ topic: "orders.created", payload: { id: 7 }, headers: { trace: "t1" }, source: "ops" });
  });

  it("answers 400 with the bus's message for a bad topic or a contract violation, and for malformed bodies", async () => {
    const { target, bus } = makeTarget();
    const server = await start(target);
    const badTopic = await post(`${server.address.url}/publish`, { topic: "orders..created", payload: 1 });
    expect(badTopic.status).toBe(400);
    expect(String(badTopic.body.error)).toMatch(/Invalid topic "orders\.\.created"/);
    const contract = await post(`${server.address.url}/publish`, { topic: "strict.x", payload: { n: "nope" } });
    expect(contract.status).toBe(400);
    expect(String(contract.body.error)).toContain("/n");
    expect((await post(`${server.address.url}/publish`, { payload: 1 })).status).toBe(400);
    expect((await post(`${server.address.url}/publish`, { topic: "a.b" })).body.error).toMatch(/payload/);
    expect((await post(`${server.address.url}/publish`, { topic: "a.b", payload: 1, headers: { n: 1 } })).status).toBe(400);
    expect((await post(`${server.address.url}/publish`, "{not json")).status).toBe(400);
    expect(bus.published).toHaveLength(0);
  });

  it("answers 400 PAYLOAD_TOO_DEEP for a payload nested deeper than maxDepth allows, and publishes nothing", async () => {
    const { target, bus } = makeTarget();
    const server = await start(target, { maxBodyBytes: 1_000_000, maxDepth: 8 });
    const nested = (depth: number) => JSON.parse("[".repeat(depth) + "]".repeat(depth)) as unknown;
    expect((await post(`${server.address.url}/publish`, { topic: "a.b", payload: nested(7) })).status).toBe(202);
    const deeper = await post(`${server.address.url}/publish`, { topic: "a.b", payload: nested(8) });
    expect(deeper.status).toBe(400);
    expect(deeper.body).toMatchObject({ code: "PAYLOAD_TOO_DEEP" });
    const far = await post(`${server.address.url}/publish`, `{"topic": "a.b", "payload": ${"[".repeat(100_000)}${"]".repeat(100_000)}}`);
    expect(far.status).toBe(400);
    expect(String(far.body.error)).toMatch(/bus\.maxDepth 8/);
    expect(bus.published).toHaveLength(1);
  });

  it("answers 413 for a body over maxBodyBytes, naming the limit", async () => {
    const { target, bus } = makeTarget();
    const server = await start(target, { maxBodyBytes: 1000 });
    const response = await post(`${server.address.url}/publish`, { topic: "a.b", payload: "x".repeat(2000) });
    expect(response.status).toBe(413);
    expect(String(response.body.error)).toContain("1000 bytes");
    expect(bus.published).toHaveLength(0);
  });
});

describe("ops server: auth and binding", () => {
  it("refuses to start on a non-loopback host without a token", async () => {
    const { target } = makeTarget();
    await expect(startOpsServer(target, { host: "0.0.0.0", port: 0, maxBodyBytes: 1000 })).rejects.toMatchObject({
      code: "OPS_TOKEN_REQUIRED",
      retryable: false,
    });
  });

  it("requires the bearer token for POST beyond loopback, while GET stays open", async () => {
    const { target, bus } = makeTarget();
    const server = await start(target, { host: "0.0.0.0", token: "s3cret" });
    const local = `http://127.0.0.1:${server.address.port}`;
    expect((await fetch(`${local}/health`)).status).toBe(200);
    const denied = await post(`${local}/publish`, { topic: "a.b", payload: 1 });
    expect(denied.status).toBe(401);
    expect(String(denied.body.error)).toContain("Bearer");
    expect((await post(`${local}/publish`, { topic: "a.b", payload: 1 }, { authorization: "Bearer wrong" })).status).toBe(401);
    expect((await post(`${local}/publish`, { topic: "a.b", payload: 1 }, { authorization: "Bearer s3cret" })).status).toBe(202);
    expect(bus.published).toHaveLength(1);
  });

  it("with a token, a /subscribe stream needs it too: it carries the bus's messages", async () => {
    const { target, bus } = makeTarget();
    const server = await start(target, { host: "0.0.0.0", token: "s3cret" });
    const local = `http://127.0.0.1:${server.address.port}`;
    const denied = await fetch(`${local}/subscribe?pattern=a.%3E`);
    expect(denied.status).toBe(401);
    expect(((await denied.json()) as { error: string }).error).toContain("Bearer");
    expect(bus.entries.size).toBe(0);
    const controller = new AbortController();
    let ready = false;
    const streaming = new OpsClient(local, "s3cret").subscribe(
      "a.>",
      { signal: controller.signal, onReady: () => (ready = true) },
      () => {},
    );
    await waitFor(() => ready, "the authorised subscription to be confirmed");
    controller.abort();
    expect(await streaming).toBe("aborted");
    expect((await fetch(`${local}/health`)).status).toBe(200);
  });

  it("reports a port in use as a non-retryable error naming the port, the holder and the fix", async () => {
    const { target } = makeTarget();
    const first = await start(target);
    const error = await startOpsServer(target, { host: "127.0.0.1", port: first.address.port, maxBodyBytes: 1000 }).catch(
      (e: unknown) => e,
    );
    expect(error).toMatchObject({ code: "OPS_PORT_IN_USE", retryable: false });
    const message = (error as Error).message;
    expect(message).toContain(`ops port ${first.address.port} on 127.0.0.1 is in use`);
    expect(message).toContain("runtime.ops.port");
    expect(message).toContain(`pid ${process.pid}`);
  });
});

describe("ops server: GET /subscribe (Server-Sent Events)", () => {
  it("streams matching envelopes in order and unsubscribes when the client disconnects", async () => {
    const { target, bus } = makeTarget();
    const server = await start(target);
    const client = new OpsClient(server.address.url);
    const controller = new AbortController();
    const received: Envelope[] = [];
    let ready = false;
    const streaming = client.subscribe("orders.*", { signal: controller.signal, onReady: () => (ready = true) }, (envelope) => {
      received.push(envelope);
      if (received.length === 3) controller.abort();
    });
    await waitFor(() => ready, "the subscription to be confirmed");
    expect(bus.entries.size).toBe(1);
    await bus.publish("orders.created", { n: 1 });
    await bus.publish("invoices.created", { n: 99 });
    await bus.publish("orders.paid", { n: 2 });
    await bus.publish("orders.shipped", { n: 3 });
    expect(await streaming).toBe("aborted");
    expect(received.map((e) => [e.topic, (e.payload as { n: number }).n])).toEqual([
      ["orders.created", 1],
      ["orders.paid", 2],
      ["orders.shipped", 3],
    ]);
    await waitFor(() => bus.entries.size === 0, "the bus subscription to be removed after the client left");
  });

  it("rejects a missing or invalid pattern with 400 before streaming", async () => {
    const { target, bus } = makeTarget();
    const server = await start(target);
    expect((await fetch(`${server.address.url}/subscribe`)).status).toBe(400);
    const invalid = await fetch(`${server.address.url}/subscribe?pattern=${encodeURIComponent("a.>.b")}`);
    expect(invalid.status).toBe(400);
    expect(((await invalid.json()) as { error: string }).error).toContain("last segment");
    expect(bus.entries.size).toBe(0);
  });

  it("passes the group, sends heartbeats, and ends open streams on close", async () => {
    const { target, bus } = makeTarget();
    const server = await start(target, { sse: { heartbeatMs: 20 } });
    const { response, text } = await openRawStream(`${server.address.url}/subscribe?pattern=jobs.%3E&group=workers`);
    expect(response.headers["content-type"]).toContain("text/event-stream");
    await waitFor(() => text().includes(": heartbeat"), "a heartbeat comment");
    expect([...bus.entries].map((e) => e.group)).toEqual(["workers"]);
    const ended = new Promise<void>((resolve) => response.on("end", resolve));
    await server.close();
    await ended;
    expect(bus.entries.size).toBe(0);
  });

  it("bounds a slow client's queue: drops the oldest, counts every drop, keeps the newest", async () => {
    const { target, bus } = makeTarget();
    const server = await start(target, { sse: { mailboxCapacity: 5, heartbeatMs: 60_000 } });
    const { response, text, resume } = await openRawStream(`${server.address.url}/subscribe?pattern=bulk`, { paused: true });
    const total = 300;
    const padding = "x".repeat(64 * 1024);
    // ~19 MB against a client that reads nothing: the socket buffers fill, then the queue overflows.
    for (let i = 0; i < total; i++) await bus.publish("bulk", { i, padding });
    await new Promise((resolve) => setImmediate(resolve));
    resume();
    await waitFor(() => text().includes(`"i":${total - 1},`), "the newest event to arrive", 10_000);
    const received = (text().match(/^data: /gm) ?? []).length;
    const metrics = await target.metrics.render();
    const dropped = Number(/plexus_ops_sse_dropped_total\{reason="drop-oldest"\} (\d+)/.exec(metrics)?.[1] ?? 0);
    expect(dropped).toBeGreaterThan(0);
    expect(received + dropped).toBe(total);
    response.destroy();
  });
});

describe("ops server: routes mounted by actors", () => {
  it("mounts, serves, removes and refuses conflicting routes after listen", async () => {
    const { target } = makeTarget();
    const server = await start(target);
    const remove = server.route("GET", "/questions", (request) => ({ body: { open: 2, query: request.query } }));
    server.route("POST", "/questions", (request) => ({ status: 201, body: { got: request.body }, headers: { "x-plexus": "yes" } }));
    server.route("DELETE", "/broken", () => {
      throw new Error("handler exploded");
    });

    const get = await fetch(`${server.address.url}/questions?severity=high`);
    expect(get.status).toBe(200);
    expect(await get.json()).toEqual({ open: 2, query: { severity: "high" } });
    const created = await post(`${server.address.url}/questions`, { q: "why" });
    expect(created).toEqual({ status: 201, body: { got: { q: "why" } } });
    const wrongMethod = await fetch(`${server.address.url}/questions`, { method: "PUT" });
    expect(wrongMethod.status).toBe(405);
    expect(wrongMethod.headers.get("allow")).toContain("GET");
    const broken = await fetch(`${server.address.url}/broken`, { method: "DELETE" });
    expect(broken.status).toBe(500);
    expect(await broken.json()).toEqual({ error: "handler exploded" });

    expect(() => server.route("GET", "/questions", () => ({ body: null }))).toThrow(/already mounted/);
    expect(() => server.route("GET", "/health", () => ({ body: null }))).toThrow(/owns that path/);
    remove();
    remove();
    const gone = await fetch(`${server.address.url}/questions`);
    expect(gone.status).toBe(405);
    const unknown = await fetch(`${server.address.url}/nothing-here`);
    expect(unknown.status).toBe(404);
    expect(((await unknown.json()) as { routes: string[] }).routes).toContain("POST /questions");
  });
});

/** Opens an SSE stream with node:http, optionally not reading it until `resume()`. */
function openRawStream(
  url: string,
  options: { paused?: boolean } = {},
): Promise<{ response: IncomingMessage; text: () => string; resume: () => void }> {
  return new Promise((resolve, reject) => {
    const request = httpRequest(url, (response) => {
      let buffer = "";
      const read = () => response.on("data", (chunk: Buffer) => (buffer += chunk.toString("utf8")));
      if (options.paused) response.pause();
      else read();
      resolve({
        response,
        text: () => buffer,
        resume: () => {
          read();
          response.resume();
        },
      });
    });
    request.on("error", reject);
    request.end();
  });
}
