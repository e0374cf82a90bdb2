import { fork } from "node:child_process";
import { createServer, type Server } from "node:net";
import { fileURLToPath, pathToFileURL } from "node:url";
import { Writable } from "node:stream";
import { afterEach, describe, expect, it } from "vitest";
import { Publisher, Subscriber, XPublisher } from "zeromq";
import { findEndpointHolder } from "../../src/actors/proxy/endpoint-holder.js";
import { EndpointInUseError } from "../../src/actors/proxy/endpoint-in-use-error.js";
import { proxyActor, type ProxyOptions } from "../../src/actors/proxy/actor.js";
import type { ProxyStats } from "../../src/actors/proxy/proxy-forwarder.js";
import { XsubXpubForwarder } from "../../src/actors/proxy/xsub-xpub-forwarder.js";
import type { OpsRequest, OpsResponse, OpsRoutes } from "../../src/runtime/actor-context.js";
import type { StartActorDefinition, StopFunction } from "../../src/runtime/define-actor.js";
import { isNonRetryable } from "../../src/common/errors.js";
import { createLogger } from "../../src/common/logger.js";
import { Metrics } from "../../src/common/metrics.js";
import { createTestContext } from "../../src/testing/test-context.js";
import { waitFor } from "../helpers/wait.js";

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** A TCP port held by this very process, like a second proxy service would hold it. */
async function occupiedPort(): Promise<number> {
  const server: Server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  cleanups.push(() => new Promise<void>((resolve) => server.close(() => resolve())));
  const address = server.address();
  if (address === null || typeof address === "string") throw new Error("no port");
  return address.port;
}

function capturingLog(): { log: ReturnType<typeof createLogger>; lines: Array<Record<string, unknown>> } {
  const lines: Array<Record<string, unknown>> = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(JSON.parse(chunk.toString()) as Record<string, unknown>);
      done();
    },
  });
  return { log: createLogger({ level: "debug", pretty: false, destination }), lines };
}

function opsRecorder(): OpsRoutes & { call(path: string): Promise<OpsResponse> } {
  const handlers = new Map<string, (request: OpsRequest) => OpsResponse | Promise<OpsResponse>>();
  return {
    route(method, path, handler) {
      handlers.set(path, handler);
      return () => handlers.delete(path);
    },
    status: () => () => undefined,
    async call(path) {
      const handler = handlers.get(path);
      if (handler === undefined) throw new Error(`nothing mounted at ${path}`);
      return handler({ method: "GET", path, query: {}, body: undefined });
    },
  };
}

const definition = proxyActor as StartActorDefinition<ProxyOptions>;

function options(overrides: Partial<ProxyOptions>): ProxyOptions {
  return {
    xsub: "tcp://127.0.0.1:*",
    xpub: "tcp://127.0.0.1:*",
    ifBound: "fail",
    mode: "native",
    noDrop: false,
    sendHighWaterMark: 1000,
    receiveHighWaterMark: 1000,
    metricsIntervalMs: 10,
    ...overrides,
  };
}

describe("proxy actor", () => {
  it("fails non-retryably with EndpointInUseError naming the endpoint and the holder pid", async () => {
    const port = await occupiedPort();
    const endpoint = `tcp://127.0.0.1:${port}`;
    const holder = await findEndpointHolder(endpoint);
    expect(holder?.pid).toBe(process.pid);
    const context = createTestContext<ProxyOptions>({
      options: options({ xsub: endpoint }),
      signal: new AbortController().signal,
      fail: () => undefined,
    });
    const error = await Promise.resolve(definition.start(context)).then(
      () => undefined,
      (thrown: unknown) => thrown,
    );
    expect(error).toBeInstanceOf(EndpointInUseError);
    const inUse = error as EndpointInUseError;
    expect(inUse.code).toBe("ENDPOINT_IN_USE");
    expect(inUse.retryable).toBe(false);
    expect(isNonRetryable(inUse)).toBe(true);
    expect(inUse.message).toContain(endpoint);
    expect(inUse.message).toContain(`pid ${process.pid}`);
    expect(inUse.holder?.command).toContain("node");
  });

  it("releases the first endpoint when the second is taken", async () => {
    const port = await occupiedPort();
    const xsub = `tcp://127.0.0.1:${port + 0}`;
    const free = await XsubXpubForwarder.start({ xsub: "tcp://127.0.0.1:*", xpub: "tcp://127.0.0.1:*" });
    const freeXsub = free.endpoints.xsub;
    await free.stop();
    await expect(XsubXpubForwarder.start({ xsub: freeXsub, xpub: xsub })).rejects.toBeInstanceOf(EndpointInUseError);
    // The xsub endpoint bound before the failure must have been released.
    const again = await XsubXpubForwarder.start({ xsub: freeXsub, xpub: "tcp://127.0.0.1:*" });
    await again.stop();
  });

  it("with ifBound: join logs the owner and idles", async () => {
    const port = await occupiedPort();
    const endpoint = `tcp://127.0.0.1:${port}`;
    const { log, lines } = capturingLog();
    const ops = opsRecorder();
    const context = createTestContext<ProxyOptions>({
      id: "chem-proxy",
      options: options({ xsub: endpoint, ifBound: "join" }),
      log,
      ops,
      signal: new AbortController().signal,
      fail: () => undefined,
    });
    const stop = (await definition.start(context)) as StopFunction;
    const warning = lines.find((line) => line.level === 40);
    expect(String(warning?.msg)).toContain(endpoint);
    expect(warning?.holderPid).toBe(process.pid);
    expect((await ops.call("/proxy/chem-proxy")).body).toMatchObject({ mode: "joined", endpoint, holder: { pid: process.pid } });
    await stop();
  });
});

/** A proxy actor started on ephemeral ports, with its ops route, metrics and failures at hand. */
async function startedProxy(mode: "native" | "counting", id = "bus-proxy", endpoints: Partial<ProxyOptions> = {}) {
  const ops = opsRecorder();
  const metrics = new Metrics();
  const failures: unknown[] = [];
  const context = createTestContext<ProxyOptions>({
    id,
    options: options({ mode, ...endpoints }),
    ops,
    metrics,
    signal: new AbortController().signal,
    fail: (error) => void failures.push(error),
  });
  const stop = (await definition.start(context)) as StopFunction;
  let stopped = false;
  const stopOnce = async (): Promise<void> => {
    if (stopped) return;
    stopped = true;
    await stop();
  };
  cleanups.push(stopOnce);
  const stats = async (): Promise<ProxyStats> => (await ops.call(`/proxy/${id}`)).body as ProxyStats;
  return { ops, metrics, failures, stop: stopOnce, stats, endpoints: await stats() };
}

function closeLater<T extends { close(): void; closed: boolean }>(socket: T): T {
  cleanups.push(() => {
    if (!socket.closed) socket.close();
  });
  return socket;
}

describe.each(["native", "counting"] as const)("proxy actor in %s mode", (mode) => {
  it("forwards messages and subscriptions, keeps its counters as metrics, and frees its ports on stop", async () => {
    const proxy = await startedProxy(mode);
    const subscriber = closeLater(new Subscriber({ linger: 0 }));
    const publisher = closeLater(new Publisher({ linger: 0 }));
    subscriber.connect(proxy.endpoints.xpub);
    subscriber.subscribe("chem.");
    publisher.connect(proxy.endpoints.xsub);
    const received: string[] = [];
    void (async () => {
      for await (const [topic] of subscriber) received.push(String(topic));
    })().catch(() => undefined);
    await waitFor(async () => {
      await publisher.send(["chem.signal", "{}"]);
      return received.length > 0;
    }, "a message through the proxy");
    const rendered = await waitFor(async () => {
      const text = await proxy.metrics.render();
      return /plexus_proxy_subscriptions_total\{proxy="bus-proxy",action="subscribe"\} 1/.test(text) &&
        /plexus_proxy_connections\{proxy="bus-proxy",side="xpub"\} 1/.test(text) &&
        /plexus_proxy_connections\{proxy="bus-proxy",side="xsub"\} 1/.test(text) &&
        (mode === "native" || /plexus_proxy_messages_total\{proxy="bus-proxy"\} [1-9]/.test(text))
        ? text
        : undefined;
    }, "proxy metrics");
    expect(rendered).toContain(`plexus_proxy_info{proxy="bus-proxy",mode="${mode}"} 1`);
    const body = await proxy.stats();
    expect(body).toMatchObject({ mode, subscriptions: 1, unsubscriptions: 0, connections: { publishers: 1, subscribers: 1 } });
    if (mode === "counting") {
      expect(rendered).toMatch(/plexus_proxy_bytes_total\{proxy="bus-proxy"\} [1-9]/);
      expect(body).toMatchObject({ messages: received.length });
    } else {
      // Not counted in native mode: no series at all rather than a zero that reads as a measurement.
      expect(rendered).not.toMatch(/plexus_proxy_(messages|bytes)_total\{/);
      expect(body).toMatchObject({ uncounted: ["messages", "bytes"] });
      expect(body).not.toHaveProperty("messages");
    }
    await proxy.stop();
    expect(proxy.failures).toEqual([]);
    expect(await proxy.metrics.render()).not.toMatch(/plexus_proxy_(info|connections)\{/);
    // linger 0 + close: the same endpoints can be bound again at once.
    const rebound = await startedProxy(mode, "rebound-proxy", { xsub: proxy.endpoints.xsub, xpub: proxy.endpoints.xpub });
    expect(rebound.endpoints).toMatchObject({ mode, xsub: proxy.endpoints.xsub, xpub: proxy.endpoints.xpub });
  });

  it("passes a subscription through to a raw XPUB publisher and an unsubscription when its last subscriber leaves", async () => {
    const proxy = await startedProxy(mode);
    const publisher = closeLater(new XPublisher({ linger: 0 }));
    publisher.connect(proxy.endpoints.xsub);
    const requests: string[] = [];
    void (async () => {
      for await (const [frame] of publisher) if (frame !== undefined) requests.push(`${frame[0]}${String(frame.subarray(1))}`);
    })().catch(() => undefined);
    await waitFor(async () => (await proxy.stats()).connections.publishers === 1, "the publisher connected");
    const first = closeLater(new Subscriber({ linger: 0 }));
    const second = closeLater(new Subscriber({ linger: 0 }));
    first.connect(proxy.endpoints.xpub);
    second.connect(proxy.endpoints.xpub);
    first.subscribe("zooid.");
    second.subscribe("zooid.");
    second.subscribe("curiosity.");
    await waitFor(
      () => requests.includes("1zooid.") && requests.includes("1curiosity."),
      () => `subscriptions upstream, saw ${requests.join(",")}`,
    );
    second.unsubscribe("curiosity.");
    await waitFor(() => requests.includes("0curiosity."), "the unsubscription upstream");
    // The XPUB passes each topic up once: the second "zooid." never reached the publisher.
    expect(requests.filter((request) => request === "1zooid.")).toEqual(["1zooid."]);
    expect(
      await waitFor(async () => {
        const stats = await proxy.stats();
        return stats.subscriptions === 2 && stats.unsubscriptions === 1 ? stats : undefined;
      }, "the subscription counters"),
    ).toMatchObject({ subscriptions: 2, unsubscriptions: 1 });
  });

  it("counts the peers connected on each side as they come and go", async () => {
    const proxy = await startedProxy(mode);
    const publishers = [1, 2, 3].map(() => closeLater(new Publisher({ linger: 0 })));
    const subscribers = [1, 2].map(() => closeLater(new Subscriber({ linger: 0 })));
    for (const publisher of publishers) publisher.connect(proxy.endpoints.xsub);
    for (const subscriber of subscribers) subscriber.connect(proxy.endpoints.xpub);
    const connections = async (): Promise<string> => JSON.stringify((await proxy.stats()).connections);
    await waitFor(async () => (await connections()) === JSON.stringify({ publishers: 3, subscribers: 2 }), "3 + 2 peers");
    publishers[0]?.close();
    publishers[1]?.close();
    subscribers[0]?.close();
    await waitFor(async () => (await connections()) === JSON.stringify({ publishers: 1, subscribers: 1 }), "1 + 1 peers after 3 left");
  });
});

describe("native proxy and process exit", () => {
  it("lets the process exit while libzmq's loop is still forwarding", async () => {
    const child = fileURLToPath(new URL("./fixtures/exiting-native-proxy-child.ts", import.meta.url));
    const tsxLoader = pathToFileURL(fileURLToPath(new URL("../../node_modules/tsx/dist/loader.mjs", import.meta.url))).href;
    const runner = fork(child, [], { execArgv: ["--import", tsxLoader], stdio: ["ignore", "ignore", "inherit", "ipc"] });
    cleanups.push(() => void runner.kill("SIGKILL"));
    const messages: unknown[] = [];
    runner.on("message", (message) => messages.push(message));
    let exitCode: number | string | undefined;
    runner.on("exit", (code, signal) => (exitCode = code ?? signal ?? "unknown"));
    // Without the exit hook the process hangs in zeromq.js's teardown and this times out.
    await waitFor(() => exitCode !== undefined, "the process to exit", 20_000);
    expect(messages).toEqual(["forwarding"]);
    expect(exitCode).toBe(0);
  }, 30_000);
});
