import { createServer, type Server } from "node:net";
import { Writable } from "node:stream";
import { afterEach, describe, expect, it } from "vitest";
import { Publisher, Subscriber } from "zeromq";
import { findEndpointHolder } from "../../src/actors/proxy/endpoint-holder.js";
import { EndpointInUseError } from "../../src/actors/proxy/endpoint-in-use-error.js";
import { proxyActor, type ProxyOptions } from "../../src/actors/proxy/actor.js";
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

  it("forwards messages and subscriptions, counts them as metrics, and frees its ports on stop", async () => {
    const ops = opsRecorder();
    const metrics = new Metrics();
    const failures: unknown[] = [];
    const context = createTestContext<ProxyOptions>({
      id: "bus-proxy",
      options: options({}),
      ops,
      metrics,
      signal: new AbortController().signal,
      fail: (error) => void failures.push(error),
    });
    const stop = (await definition.start(context)) as StopFunction;
    const stats = (await ops.call("/proxy/bus-proxy")).body as { xsub: string; xpub: string };
    const subscriber = new Subscriber({ linger: 0 });
    const publisher = new Publisher({ linger: 0 });
    cleanups.push(() => subscriber.close());
    cleanups.push(() => publisher.close());
    subscriber.connect(stats.xpub);
    subscriber.subscribe("chem.");
    publisher.connect(stats.xsub);
    const received: string[] = [];
    void (async () => {
      for await (const [topic] of subscriber) received.push(String(topic));
    })().catch(() => undefined);
    await waitFor(async () => {
      await publisher.send(["chem.signal", "{}"]);
      return received.length > 0;
    }, "a message through the proxy");
    const rendered = await waitFor(async () => {
      const text = await metrics.render();
      return /plexus_proxy_messages_total\{proxy="bus-proxy"\} [1-9]/.test(text) &&
        /plexus_proxy_subscriptions_total\{proxy="bus-proxy",action="subscribe"\} [1-9]/.test(text)
        ? text
        : undefined;
    }, "proxy metrics");
    expect(rendered).toMatch(/plexus_proxy_bytes_total\{proxy="bus-proxy"\} [1-9]/);
    expect((await ops.call("/proxy/bus-proxy")).body).toMatchObject({ mode: "bound", subscriptions: 1 });
    await stop();
    expect(failures).toEqual([]);
    // linger 0 + close: the same endpoints can be bound again at once.
    const rebound = await XsubXpubForwarder.start({ xsub: stats.xsub, xpub: stats.xpub });
    await rebound.stop();
  });
});
