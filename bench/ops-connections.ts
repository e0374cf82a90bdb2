/**
 * Ops server memory under connection churn, beside a bare `node:http` server doing the same work
 * in the same run. Each round opens CLIENTS Server-Sent Events streams (`GET /subscribe`) and
 * CLIENTS `POST /publish` requests whose body never finishes, then drops every client. The server
 * runs in a child process started with `--expose-gc`; after each round it forces a full GC and
 * reports its heap, so what is left is what the server retained for clients that are gone.
 *
 * Run: npx tsx bench/ops-connections.ts   (ROUNDS=3 CLIENTS=300 to change the sizes)
 */
import { fork, type ChildProcess } from "node:child_process";
import { createServer, request as httpRequest, type ClientRequest, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { fileURLToPath, pathToFileURL } from "node:url";
import { recordHeadlines } from "./lib/headline.js";

const ROUNDS = Number(process.env.ROUNDS ?? 3);
const CLIENTS = Number(process.env.CLIENTS ?? 300);

type Role = "plexus" | "baseline";
type ToServer = { type: "measure" } | { type: "count" };
type FromServer = { type: "ready"; port: number } | { type: "heap"; heapMb: number; tracked: number } | { type: "count"; tracked: number };

// ---- server side (child process) ------------------------------------------------------------

async function serve(role: Role): Promise<void> {
  let port: number;
  let tracked: () => number;
  if (role === "plexus") {
    const [{ startOpsServer }, { MemoryTransport }, { MessageBus }, { Metrics }, { silentLogger }] = await Promise.all([
      import("../src/runtime/ops/server.js"),
      import("../src/transports/memory/transport.js"),
      import("../src/transports/bus/message-bus.js"),
      import("../src/common/metrics.js"),
      import("../src/common/logger.js"),
    ]);
    const bus = new MessageBus({ transport: new MemoryTransport(), source: "bench", log: silentLogger() });
    await bus.start();
    const server = await startOpsServer(
      {
        name: "bench",
        bus,
        metrics: new Metrics(),
        log: silentLogger(),
        tree: () => ({ id: "root", path: "root", type: "supervisor", kind: "one_for_one", state: "running", restarts: 0 }),
        health: () => ({ ok: true, ready: true, state: "running" }),
      },
      { host: "127.0.0.1", port: 0, maxBodyBytes: 1_048_576, sse: { heartbeatMs: 60_000 } },
    );
    port = server.address.port;
    tracked = () => {
      const { sockets, streams } = server.stats();
      return sockets + streams;
    };
  } else {
    // What any HTTP server does for the same clients: hold SSE responses open, read POST bodies.
    const open = new Set<ServerResponse>();
    const server = createServer((request, response) => {
      if (request.method === "GET") {
        response.writeHead(200, { "content-type": "text/event-stream" });
        response.write(": subscribed\n\n");
        open.add(response);
        response.on("close", () => open.delete(response));
        return;
      }
      request.resume();
      request.on("end", () => response.writeHead(202).end("{}"));
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    port = (server.address() as AddressInfo).port;
    tracked = () => open.size;
  }
  const gc = (globalThis as { gc?: () => void }).gc as () => void;
  process.on("message", (message: ToServer) => {
    if (message.type === "count") {
      process.send?.({ type: "count", tracked: tracked() } satisfies FromServer);
      return;
    }
    // Several passes: the first can leave objects whose finalizers free more.
    for (let i = 0; i < 4; i++) gc();
    const reply: FromServer = { type: "heap", heapMb: process.memoryUsage().heapUsed / 1_048_576, tracked: tracked() };
    process.send?.(reply);
  });
  const ready: FromServer = { type: "ready", port };
  process.send?.(ready);
}

// ---- client side (this process) -------------------------------------------------------------

function openStream(port: number): Promise<ClientRequest> {
  return new Promise((resolve, reject) => {
    const request = httpRequest({ host: "127.0.0.1", port, path: "/subscribe?pattern=bench.%3E", agent: false }, (response) => {
      response.resume();
      resolve(request);
    });
    request.on("error", (error) => (request.destroyed ? undefined : reject(error)));
    request.end();
  });
}

function startUnfinishedPost(port: number): ClientRequest {
  const request = httpRequest({
    host: "127.0.0.1",
    port,
    path: "/publish",
    method: "POST",
    agent: false,
    headers: { "content-type": "application/json", "content-length": "100000" },
  });
  request.on("error", () => undefined);
  request.write('{"topic": "bench.x", "payload": "');
  return request;
}

function nextMessage(child: ChildProcess, type: FromServer["type"]): Promise<FromServer> {
  return new Promise((resolve) => {
    const listener = (message: FromServer) => {
      if (message.type !== type) return;
      child.off("message", listener);
      resolve(message);
    };
    child.on("message", listener);
  });
}

async function measure(child: ChildProcess): Promise<{ heapMb: number; tracked: number }> {
  const reply = nextMessage(child, "heap");
  child.send({ type: "measure" } satisfies ToServer);
  return (await reply) as { heapMb: number; tracked: number };
}

/** Waits until the server tracks nothing for the dropped clients, or 3 s (a leaking server never gets there). */
async function settle(child: ChildProcess): Promise<void> {
  const deadline = Date.now() + 3_000;
  while (Date.now() < deadline) {
    const reply = nextMessage(child, "count");
    child.send({ type: "count" } satisfies ToServer);
    if (((await reply) as { tracked: number }).tracked === 0) return;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

async function churn(role: Role): Promise<{ baseline: number; rounds: number[]; tracked: number }> {
  const self = fileURLToPath(import.meta.url);
  const tsx = pathToFileURL(fileURLToPath(new URL("../node_modules/tsx/dist/loader.mjs", import.meta.url))).href;
  const child = fork(self, ["--serve", role], {
    execArgv: ["--expose-gc", "--import", tsx],
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
  try {
    const { port } = (await nextMessage(child, "ready")) as { port: number };
    // Warm up once (JIT, fastify's lazily built parts), then take the baseline.
    for (const request of [await openStream(port), startUnfinishedPost(port)]) request.destroy();
    await settle(child);
    const baseline = (await measure(child)).heapMb;
    const rounds: number[] = [];
    let tracked = 0;
    for (let round = 0; round < ROUNDS; round++) {
      const streams = await Promise.all(Array.from({ length: CLIENTS }, () => openStream(port)));
      const posts = Array.from({ length: CLIENTS }, () => startUnfinishedPost(port));
      // Let the posts' headers reach the server, so that they are requests in flight when dropped.
      await new Promise((resolve) => setTimeout(resolve, 200));
      for (const request of [...streams, ...posts]) request.destroy();
      await settle(child);
      const figures = await measure(child);
      rounds.push(figures.heapMb);
      tracked = figures.tracked;
    }
    return { baseline, rounds, tracked };
  } finally {
    child.kill();
  }
}

async function main(): Promise<void> {
  const serveAt = process.argv.indexOf("--serve");
  if (serveAt >= 0) return serve(process.argv[serveAt + 1] as Role);
  console.log(`ops server heap after ${ROUNDS} rounds of ${CLIENTS} SSE clients + ${CLIENTS} aborted POSTs, each dropped (full GC)`);
  const rows: Array<[string, Awaited<ReturnType<typeof churn>>]> = [];
  for (const role of ["baseline", "plexus"] as const)
    rows.push([role === "plexus" ? "plexus ops server" : "bare node:http", await churn(role)]);
  const header = ["server", "heap before MB", ...Array.from({ length: ROUNDS }, (_, i) => `after round ${i + 1} MB`), "still tracked"];
  console.log(`| ${header.join(" | ")} |`);
  console.log(`|${header.map(() => "---").join("|")}|`);
  for (const [name, figures] of rows) {
    const cells = [name, figures.baseline.toFixed(1), ...figures.rounds.map((mb) => mb.toFixed(1)), String(figures.tracked)];
    console.log(`| ${cells.join(" | ")} |`);
  }
  const [bare, plexus] = rows.map(([, figures]) => figures.rounds[figures.rounds.length - 1]! - figures.baseline);
  console.log(`\nretained after the last round: plexus ${plexus!.toFixed(1)} MB, bare node:http ${bare!.toFixed(1)} MB`);
  recordHeadlines("ops-connections", [
    {
      measure: `ops heap retained after ${ROUNDS}×${CLIENTS} dropped SSE clients + aborted POSTs, MB`,
      plexus: plexus!,
      baselineName: "bare node:http",
      baseline: bare!,
      target: "back to baseline (≤ 2 MB)",
      met: plexus! <= 2,
    },
  ]);
}

await main();
