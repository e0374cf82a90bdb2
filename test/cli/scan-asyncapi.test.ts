import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { Parser } from "@asyncapi/parser";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runInProcess } from "./memory-io.js";

/** A planted service tree: Python and TypeScript over ZeroMQ, Redis and the plexus bus, with wildcard subscriptions. */
const TREE: Record<string, string> = {
  "package.json": JSON.stringify({ name: "shop", version: "2.3.4" }),
  "svc/orders_service.py": `import os

import redis
import zmq

ORDERS = "orders.created"
PORT = os.getenv("ORDERS_PORT", "5555")
REDIS_URL = os.getenv("REDIS_URL", "redis://:hunter2@localhost:6379/0")


class OrdersService:
    def __init__(self, ctx, bus):
        self.bus = bus
        self.pub = ctx.socket(zmq.PUB)
        self.pub.bind(f"tcp://127.0.0.1:{PORT}")
        self.r = redis.Redis.from_url(REDIS_URL)

    def run(self):
        self.bus.publish(ORDERS, {})
        self.pub.send_multipart([b"prices.eu", b"{}"])
        self.r.xadd("audit-stream", {"a": "1"})
        self.bus.subscribe("orders.*", self.on_order)
        self.bus.subscribe("metrics.>", self.on_metric)

    def on_order(self, envelope):
        self.bus.publish(ORDERS, envelope)
`,
  "svc/prices_consumer.py": `import zmq

sub = zmq.Context().socket(zmq.SUB)
sub.connect("tcp://127.0.0.1:5555")
sub.setsockopt_string(zmq.SUBSCRIBE, "prices.")
`,
  "web/worker.ts": `import Redis from "ioredis";
import { Subscriber } from "zeromq";

const redis = new Redis(process.env.REDIS_URL ?? "redis://127.0.0.1:6379");
const sub = new Subscriber();
sub.connect("tcp://127.0.0.1:5555");
sub.subscribe("prices.");

export async function run(bus: { publish(t: string, p: unknown): Promise<void>; subscribe(t: string, h: () => void): Promise<void> }) {
  await redis.xreadgroup("GROUP", "g", "c", "STREAMS", "audit-stream", ">");
  await bus.subscribe("orders.created", () => undefined);
  await redis.publish("news.eu", "x");
  await redis.psubscribe("news.*");
}
`,
};

interface AsyncApi {
  asyncapi: string;
  info: { title: string; version: string };
  servers: Record<string, Record<string, unknown>>;
  channels: Record<string, { address: string; parameters?: Record<string, unknown>; "x-plexus-matches"?: string[] }>;
  operations: Record<string, { action: string; channel: { $ref: string }; "x-plexus-file": string; "x-plexus-lines": number[] }>;
}

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "plexus-scan-asyncapi-"));
  for (const [path, text] of Object.entries(TREE)) {
    await mkdir(dirname(join(dir, "shop", path)), { recursive: true });
    await writeFile(join(dir, "shop", path), text);
  }
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Errors the official AsyncAPI parser reports (severity 0); warnings and hints are not failures. */
async function parserErrors(document: unknown): Promise<string[]> {
  const { diagnostics } = await new Parser().parse(JSON.stringify(document));
  return diagnostics.filter((diagnostic) => diagnostic.severity === 0).map((d) => `${d.code} at ${d.path.join("/")}: ${d.message}`);
}

/** Channel addresses each operation of `file` refers to, by action. */
function operationsOf(document: AsyncApi, file: string): string[] {
  return Object.values(document.operations)
    .filter((operation) => operation["x-plexus-file"] === file)
    .map((operation) => `${operation.action} ${document.channels[operation.channel.$ref.replace("#/channels/", "")]!.address}`)
    .sort();
}

describe("plexus scan --format asyncapi", () => {
  it("writes an AsyncAPI 3.0 document the official parser accepts: channels per topic with wildcard parameters, operations per file, endpoints as servers", async () => {
    const { code, stdout } = await runInProcess(["scan", "shop", "--format", "asyncapi"], { cwd: dir });
    expect(code).toBe(0);
    const document = JSON.parse(stdout) as AsyncApi;
    expect(await parserErrors(document)).toEqual([]);
    expect(document.asyncapi).toBe("3.0.0");
    expect(document.info).toMatchObject({ title: "shop", version: "2.3.4" });

    const addresses = Object.values(document.channels)
      .map((channel) => channel.address)
      .sort();
    expect(addresses).toEqual([
      "audit-stream",
      "metrics.{p1}",
      "news.eu",
      "news.{p1}",
      "orders.created",
      "orders.{p1}",
      "prices.eu",
      "prices.{p1}",
    ]);
    const byAddress = (address: string) => Object.values(document.channels).find((channel) => channel.address === address)!;
    expect(byAddress("orders.{p1}")).toMatchObject({
      parameters: { p1: { description: expect.stringMatching(/one dot-separated segment/) } },
      "x-plexus-pattern": { pattern: "orders.*", match: "wildcard" },
      "x-plexus-matches": ["orders.created"],
    });
    expect(byAddress("metrics.{p1}")).toMatchObject({ parameters: { p1: { description: expect.stringMatching(/multi-level/) } } });
    expect(byAddress("prices.{p1}")).toMatchObject({ "x-plexus-pattern": { match: "prefix" }, "x-plexus-matches": ["prices.eu"] });
    expect(byAddress("news.{p1}")).toMatchObject({ "x-plexus-pattern": { match: "glob" }, "x-plexus-matches": ["news.eu"] });
    expect(byAddress("orders.created").parameters).toBeUndefined();

    expect(operationsOf(document, "svc/orders_service.py")).toEqual([
      "receive metrics.{p1}",
      "receive orders.{p1}",
      "send audit-stream",
      "send orders.created",
      "send prices.eu",
    ]);
    expect(operationsOf(document, "svc/prices_consumer.py")).toEqual(["receive prices.{p1}"]);
    expect(operationsOf(document, "web/worker.ts")).toEqual([
      "receive audit-stream",
      "receive news.{p1}",
      "receive orders.created",
      "receive prices.{p1}",
      "send news.eu",
    ]);
    // Both publishes of orders.created in one file are one operation with both lines.
    const ordersSend = Object.values(document.operations).find(
      (operation) =>
        operation["x-plexus-file"] === "svc/orders_service.py" &&
        operation.action === "send" &&
        operation.channel.$ref.endsWith("orders_created"),
    );
    expect(ordersSend?.["x-plexus-lines"]).toEqual([19, 26]);
    expect(new Set(Object.keys(document.operations)).size).toBe(Object.keys(document.operations).length);
    for (const id of Object.keys(document.operations)) expect(id).toMatch(/^[A-Za-z0-9_-]+$/);

    const servers = Object.values(document.servers).map((server) => ({
      endpoint: server["x-plexus-endpoint"],
      host: server.host,
      protocol: server.protocol,
      pathname: server.pathname,
      bound: server["x-plexus-bound"],
      connected: server["x-plexus-connected"],
    }));
    expect(servers).toEqual([
      { endpoint: "redis://127.0.0.1:6379", host: "127.0.0.1:6379", protocol: "redis", connected: [{ file: "web/worker.ts", line: 4 }] },
      // The password in the URL stays out of the document.
      {
        endpoint: "redis://localhost:6379/0",
        host: "localhost:6379",
        protocol: "redis",
        pathname: "/0",
        connected: [{ file: "svc/orders_service.py", line: 16 }],
      },
      {
        endpoint: "tcp://127.0.0.1:5555",
        host: "127.0.0.1:5555",
        protocol: "zmq",
        bound: [{ file: "svc/orders_service.py", line: 15 }],
        connected: [
          { file: "svc/prices_consumer.py", line: 4 },
          { file: "web/worker.ts", line: 6 },
        ],
      },
    ]);
    expect(stdout).not.toContain("hunter2");
  });

  it("the same code gives the same document, and --dialect narrows it", async () => {
    const first = await runInProcess(["scan", "shop", "--format", "asyncapi"], { cwd: dir });
    const second = await runInProcess(["scan", "shop", "--format", "asyncapi"], { cwd: dir });
    expect(second.stdout).toBe(first.stdout);

    const zmqOnly = JSON.parse(
      (await runInProcess(["scan", "shop", "--format", "asyncapi", "--dialect", "zmq"], { cwd: dir })).stdout,
    ) as AsyncApi;
    expect(await parserErrors(zmqOnly)).toEqual([]);
    expect(
      Object.values(zmqOnly.channels)
        .map((channel) => channel.address)
        .sort(),
    ).toEqual(["prices.eu", "prices.{p1}"]);
    expect(Object.values(zmqOnly.servers).map((server) => server["x-plexus-endpoint"])).toEqual(["tcp://127.0.0.1:5555"]);
  });

  it("without a package.json the version is 0.0.0; a tree without messaging is still a valid document", async () => {
    const empty = join(dir, "empty");
    await mkdir(empty, { recursive: true });
    await writeFile(join(empty, "util.py"), "def add(a, b):\n    return a + b\n");
    const { code, stdout } = await runInProcess(["scan", "empty", "--format", "asyncapi"], { cwd: dir });
    expect(code).toBe(0);
    const document = JSON.parse(stdout) as AsyncApi;
    expect(document.info).toMatchObject({ title: "empty", version: "0.0.0" });
    expect(document).toMatchObject({ channels: {}, operations: {} });
    expect(await parserErrors(document)).toEqual([]);
  });

  it("is a usage error for a monitor kind that finds no messaging", async () => {
    const { code, stderr } = await runInProcess(["scan", "shop", "--format", "asyncapi", "--kind", "knowledge-monitor"], { cwd: dir });
    expect(code).toBe(64);
    expect(stderr).toMatch(/only --kind integration-monitor/);
  });
});
