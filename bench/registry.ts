/**
 * The registry's HTTP API under load, beside a bare `node:http` server whose handler does nothing,
 * in the same run and with the same client. Each server runs in its own child process; the load
 * comes from a third process over keep-alive connections on the loopback.
 *
 *  1. 10,000 instances registered (POST /services).
 *  2. Heartbeats as fast as the loopback allows for DURATION seconds (PUT …/heartbeat) with
 *     CONNECTIONS connections: requests per second, against the bare server's.
 *  3. Heartbeats paced at RATE per second for DURATION seconds: latency p50/p99.
 *  4. 10,000 more instances registered with a 2 s TTL and never renewed: how late after its TTL
 *     each expires (from the registry's own registry.expired events; sweep every 1 s).
 *  5. RSS of the registry's process holding the 20,000 leases.
 *
 * Run: npx tsx bench/registry.ts   (INSTANCES=10000 DURATION=5 RATE=2000 CONNECTIONS=32)
 */
import { fork, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { Agent, createServer, request } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { recordHeadlines } from "./lib/headline.js";

const INSTANCES = Number(process.env.INSTANCES ?? 10_000);
const DURATION = Number(process.env.DURATION ?? 5);
const RATE = Number(process.env.RATE ?? 2_000);
const CONNECTIONS = Number(process.env.CONNECTIONS ?? 32);
const STALE_TTL_S = 2;

type Message = Record<string, unknown> & { type: string };

// ---- server roles ---------------------------------------------------------------------------------

async function serveRegistry(): Promise<void> {
  const [{ createRuntime, silentLogger }] = await Promise.all([import("../src/index.js")]);
  const stateDir = mkdtempSync(join(tmpdir(), "plexus-bench-registry-"));
  const runtime = createRuntime({
    logger: silentLogger(),
    config: {
      runtime: { name: "bench-registry", stateDir, ops: { port: 0 } },
      children: [{ id: "registry", kind: "registry", options: { port: 0, eviction: { pauseShare: 1 }, renewedEventEvery: 100 } }],
    },
  });
  await runtime.start();
  const registeredAt = new Map<string, number>();
  const lags: number[] = [];
  let lastExpiredAt = 0;
  await runtime.bus.subscribe<{ name: string; id: string; at: string }>("registry.>", (envelope) => {
    if (envelope.payload.name !== "stale") return;
    if (envelope.topic === "registry.registered") registeredAt.set(envelope.payload.id, Date.parse(envelope.payload.at));
    else if (envelope.topic === "registry.expired") {
      const at = Date.parse(envelope.payload.at);
      lags.push(at - (registeredAt.get(envelope.payload.id) ?? at) - STALE_TTL_S * 1_000);
      lastExpiredAt = Date.now();
    }
  });
  const health = (await (await fetch(`${runtime.opsAddress!.url}/health`)).json()) as {
    actors: Array<{ kind: string; status?: { url?: string } }>;
  };
  const port = Number(new URL(health.actors.find((actor) => actor.kind === "registry")!.status!.url!).port);
  process.on("message", (message: Message) => {
    if (message.type === "rss")
      process.send!({ type: "rss", rssMb: process.memoryUsage().rss / 2 ** 20, heapMb: process.memoryUsage().heapUsed / 2 ** 20 });
    if (message.type === "expired") process.send!({ type: "expired", count: lags.length, lags, lastExpiredAt });
    if (message.type === "stop")
      void runtime.stop().then(() => {
        rmSync(stateDir, { recursive: true, force: true });
        process.exit(0);
      });
  });
  process.send!({ type: "ready", port });
}

function serveBaseline(): void {
  const server = createServer((_request, response) => response.end());
  server.keepAliveTimeout = 65_000;
  server.listen(0, "127.0.0.1", () => process.send!({ type: "ready", port: (server.address() as AddressInfo).port }));
  process.on("message", (message: Message) => {
    if (message.type === "rss") process.send!({ type: "rss", rssMb: process.memoryUsage().rss / 2 ** 20 });
    if (message.type === "stop") server.close(() => process.exit(0));
  });
}

// ---- load role ------------------------------------------------------------------------------------

function send(agent: Agent, port: number, method: string, path: string, body?: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: "127.0.0.1",
        port,
        method,
        path,
        agent,
        headers: body === undefined ? {} : { "content-type": "application/json", "content-length": Buffer.byteLength(body) },
      },
      (response) => {
        response.resume();
        response.on("end", () => resolve(response.statusCode ?? 0));
      },
    );
    req.on("error", reject);
    req.end(body);
  });
}

async function load(): Promise<void> {
  const agent = new Agent({ keepAlive: true, maxSockets: CONNECTIONS });
  process.on("message", (message: Message) => {
    void (async () => {
      const port = message.port as number;
      if (message.type === "register") {
        const started = performance.now();
        const name = message.name as string;
        const ttl = message.ttl as number;
        let next = 0;
        let failed = 0;
        await Promise.all(
          Array.from({ length: CONNECTIONS }, async () => {
            while (next < INSTANCES) {
              const i = next++;
              const body = JSON.stringify({
                name,
                id: `${name}-${i}`,
                url: `http://10.0.${i >> 8}.${i & 255}:8080`,
                ttl,
                meta: { zone: `z${i % 3}` },
              });
              if ((await send(agent, port, "POST", "/services", body)) !== 201) failed++;
            }
          }),
        );
        process.send!({ type: "registered", seconds: (performance.now() - started) / 1_000, failed });
      } else if (message.type === "flood") {
        const until = performance.now() + DURATION * 1_000;
        let done = 0;
        let failed = 0;
        await Promise.all(
          Array.from({ length: CONNECTIONS }, async (_, worker) => {
            let i = worker;
            while (performance.now() < until) {
              const status = await send(agent, port, "PUT", `/services/bench/bench-${i % INSTANCES}/heartbeat`);
              if (status !== 200) failed++;
              done++;
              i += CONNECTIONS;
            }
          }),
        );
        process.send!({ type: "flooded", perSecond: done / DURATION, failed });
      } else if (message.type === "paced") {
        const latencies: number[] = [];
        let failed = 0;
        let sent = 0;
        const total = RATE * DURATION;
        const started = performance.now();
        const pending: Array<Promise<void>> = [];
        await new Promise<void>((resolve) => {
          const tick = setInterval(() => {
            const due = Math.min(total, Math.floor(((performance.now() - started) / 1_000) * RATE));
            while (sent < due) {
              const i = sent++;
              const t0 = performance.now();
              pending.push(
                send(agent, port, "PUT", `/services/bench/bench-${i % INSTANCES}/heartbeat`).then(
                  (status) => {
                    latencies.push(performance.now() - t0);
                    if (status !== 200) failed++;
                  },
                  () => void failed++,
                ),
              );
            }
            if (sent >= total) {
              clearInterval(tick);
              resolve();
            }
          }, 1);
        });
        await Promise.all(pending);
        latencies.sort((a, b) => a - b);
        const at = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? 0;
        process.send!({
          type: "paced",
          achieved: latencies.length / ((performance.now() - started) / 1_000),
          p50: at(0.5),
          p99: at(0.99),
          max: latencies.at(-1) ?? 0,
          failed,
        });
      } else if (message.type === "stop") process.exit(0);
    })();
  });
  process.send!({ type: "ready" });
}

// ---- orchestrator -----------------------------------------------------------------------------------

const self = fileURLToPath(import.meta.url);

function start(role: string): ChildProcess {
  return fork(self, [role], { execArgv: ["--import", "tsx"], stdio: ["ignore", "inherit", "inherit", "ipc"] });
}

function next<T extends Message>(child: ChildProcess, type: string): Promise<T> {
  return new Promise((resolve, reject) => {
    const onExit = (code: number | null) => reject(new Error(`child exited with ${code} while waiting for ${type}`));
    const onMessage = (message: Message) => {
      if (message.type !== type) return;
      child.off("message", onMessage);
      child.off("exit", onExit);
      resolve(message as T);
    };
    child.on("message", onMessage);
    child.once("exit", onExit);
  });
}

async function ask<T extends Message>(child: ChildProcess, message: Message, reply: string): Promise<T> {
  const answer = next<T>(child, reply);
  child.send(message);
  return answer;
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0;

async function main(): Promise<void> {
  const loader = start("load");
  await next(loader, "ready");
  const results: Record<"registry" | "baseline", Record<string, number>> = { registry: {}, baseline: {} };
  let expiry: { count: number; lags: number[]; lastExpiredAt: number } | undefined;
  let staleDeadline = 0;
  for (const role of ["baseline", "registry"] as const) {
    const server = start(role);
    const { port } = await next<Message & { port: number }>(server, "ready");
    const row = results[role];
    const registered = await ask<Message & { seconds: number; failed: number }>(
      loader,
      { type: "register", port, name: "bench", ttl: 600 },
      "registered",
    );
    row.registerPerSecond = INSTANCES / registered.seconds;
    if (role === "registry" && registered.failed > 0) throw new Error(`${registered.failed} registrations failed`);
    const flooded = await ask<Message & { perSecond: number; failed: number }>(loader, { type: "flood", port }, "flooded");
    row.floodPerSecond = flooded.perSecond;
    if (role === "registry" && flooded.failed > 0) throw new Error(`${flooded.failed} heartbeats failed`);
    const paced = await ask<Message & { achieved: number; p50: number; p99: number; max: number }>(
      loader,
      { type: "paced", port },
      "paced",
    );
    Object.assign(row, { pacedRate: paced.achieved, p50: paced.p50, p99: paced.p99, max: paced.max });
    if (role === "registry") {
      await ask(loader, { type: "register", port, name: "stale", ttl: STALE_TTL_S }, "registered");
      staleDeadline = Date.now() + STALE_TTL_S * 1_000 + 5_000;
      while (Date.now() < staleDeadline) {
        expiry = await ask<Message & { count: number; lags: number[]; lastExpiredAt: number }>(server, { type: "expired" }, "expired");
        if (expiry!.count >= INSTANCES) break;
        await new Promise((resolve) => setTimeout(resolve, 250));
      }
    }
    const memory = await ask<Message & { rssMb: number; heapMb?: number }>(server, { type: "rss" }, "rss");
    row.rssMb = memory.rssMb;
    if (memory.heapMb !== undefined) row.heapMb = memory.heapMb;
    server.send({ type: "stop" });
    await new Promise((resolve) => server.once("exit", resolve));
  }
  loader.send({ type: "stop" });

  const r = results.registry;
  const b = results.baseline;
  const lags = expiry?.lags ?? [];
  const maxLag = lags.length === 0 ? Number.NaN : Math.max(...lags);
  const ratio = r.floodPerSecond! / b.floodPerSecond!;
  const fmt = (value: number | undefined, digits = 0) => (value === undefined || Number.isNaN(value) ? "—" : value.toFixed(digits));
  console.log(`\nregistry bench: ${INSTANCES} instances, ${CONNECTIONS} keep-alive connections, ${DURATION} s per phase\n`);
  console.log("measure                                   | registry  | bare node:http | target");
  console.log("------------------------------------------|-----------|----------------|-------------------");
  console.log(
    `registrations/s (POST)                    | ${fmt(r.registerPerSecond).padStart(9)} | ${fmt(b.registerPerSecond).padStart(14)} |`,
  );
  console.log(
    `heartbeats/s, as fast as loopback allows  | ${fmt(r.floodPerSecond).padStart(9)} | ${fmt(b.floodPerSecond).padStart(14)} | ≥ 50% of bare (${(ratio * 100).toFixed(0)}%)`,
  );
  console.log(`heartbeat p50 @ ${RATE}/s, ms               | ${fmt(r.p50, 2).padStart(9)} | ${fmt(b.p50, 2).padStart(14)} |`);
  console.log(`heartbeat p99 @ ${RATE}/s, ms               | ${fmt(r.p99, 2).padStart(9)} | ${fmt(b.p99, 2).padStart(14)} | ≤ 10 ms`);
  console.log(`rate achieved in the paced phase, /s      | ${fmt(r.pacedRate).padStart(9)} | ${fmt(b.pacedRate).padStart(14)} |`);
  console.log(
    `expiry of ${lags.length} stale instances: lag after TTL, median / max ms | ${fmt(median(lags))} / ${fmt(maxLag)} | — | ≤ 1000 ms`,
  );
  console.log(
    `RSS of the server process, MB             | ${fmt(r.rssMb, 1).padStart(9)} | ${fmt(b.rssMb, 1).padStart(14)} | ≤ 150 MB (registry, ${2 * INSTANCES} leases)`,
  );
  console.log(`JS heap used by the registry process, MB   | ${fmt(r.heapMb, 1).padStart(9)} |              — |`);
  console.log("(both servers run under the same tsx loader, which accounts for much of the bare server's RSS)");
  recordHeadlines("registry", [
    {
      measure: "heartbeats/s, loopback flood",
      plexus: r.floodPerSecond!,
      baselineName: "bare node:http",
      baseline: b.floodPerSecond!,
      target: "≥ 50% of bare",
      met: ratio >= 0.5,
      digits: 0,
    },
    {
      measure: `heartbeat p99 @ ${RATE}/s, ms`,
      plexus: r.p99!,
      baselineName: "bare node:http",
      baseline: b.p99!,
      target: "≤ 10 ms",
      met: r.p99! <= 10,
      digits: 2,
    },
    {
      measure: `max expiry lag after TTL, ${INSTANCES} stale, ms`,
      plexus: maxLag,
      baselineName: "TTL",
      baseline: 0,
      target: "≤ 1000 ms",
      met: lags.length === INSTANCES && maxLag <= 1_000,
      digits: 0,
    },
    {
      measure: "RSS of the registry process, MB",
      plexus: r.rssMb!,
      baselineName: "bare node:http",
      baseline: b.rssMb!,
      target: "≤ 150 MB",
      met: r.rssMb! <= 150,
      digits: 1,
    },
  ]);
  if (lags.length !== INSTANCES) console.log(`!! only ${lags.length} of ${INSTANCES} stale instances expired within 5 s after their TTL`);
}

const role = process.argv[2];
if (role === "registry") await serveRegistry();
else if (role === "baseline") serveBaseline();
else if (role === "load") await load();
else await main();
