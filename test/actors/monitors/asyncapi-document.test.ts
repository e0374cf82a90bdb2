import { Parser } from "@asyncapi/parser";
import { describe, expect, it } from "vitest";
import type { MessageFact } from "../../../src/actors/monitors/analysis/integration/integration-facts.js";
import { asyncApiDocument, type MessagingFacts } from "../../../src/actors/monitors/asyncapi-document.js";

const root = "/repo";
const subscribe = (topic: string, match: MessageFact["match"], line = 1): MessageFact => ({
  role: "subscribe",
  topic,
  match,
  dialect: "generic",
  line,
});
const publish = (topic: string, line = 1): MessageFact => ({ role: "publish", topic, match: "exact", dialect: "generic", line });

interface Channel {
  address: string;
  parameters?: Record<string, { description: string }>;
}

function build(files: MessagingFacts[]) {
  return asyncApiDocument(files, { root, title: "repo", version: "1.0.0" }) as {
    channels: Record<string, Channel>;
    operations: Record<string, { action: string; channel: { $ref: string } }>;
    servers?: Record<string, Record<string, unknown>>;
  };
}

async function parserErrors(document: unknown): Promise<string[]> {
  const { diagnostics } = await new Parser().parse(JSON.stringify(document));
  return diagnostics.filter((diagnostic) => diagnostic.severity === 0).map((d) => `${d.code} at ${d.path.join("/")}: ${d.message}`);
}

describe("asyncApiDocument", () => {
  it("turns every kind of wildcard into channel parameters the parser accepts", async () => {
    const document = build([
      {
        path: "/repo/sub.py",
        messages: [
          subscribe("a.*.c.*", "wildcard"),
          subscribe("logs.#", "wildcard"),
          subscribe("", "prefix"),
          subscribe("news.[ab]?", "glob"),
          subscribe("plain.topic", "wildcard"), // no wildcard: the topic's own channel
          subscribe("plain.topic", "prefix", 2), // a ZeroMQ prefix always matches more than itself
        ],
        endpoints: [],
      },
      { path: "/repo/pub.ts", messages: [publish("plain.topic"), publish("a.b.c.d"), publish("")], endpoints: [] },
    ]);
    expect(await parserErrors(document)).toEqual([]);
    const channels = Object.values(document.channels).map((channel) => [channel.address, Object.keys(channel.parameters ?? {})]);
    expect(channels).toEqual([
      ["a.b.c.d", []],
      ["plain.topic", []],
      // Patterns after topics; an empty ZeroMQ prefix subscribes to everything.
      ["{p1}", ["p1"]],
      ["a.{p1}.c.{p2}", ["p1", "p2"]],
      ["logs.{p1}", ["p1"]],
      ["news.{p1}{p2}", ["p1", "p2"]],
      ["plain.topic{p1}", ["p1"]],
    ]);
    const everything = Object.values(document.channels).find((channel) => channel.address === "{p1}") as Channel & {
      "x-plexus-matches": string[];
    };
    expect(everything["x-plexus-matches"]).toEqual(["a.b.c.d", "plain.topic"]);
  });

  it("gives unique, stable ids to channels and operations whose names differ only in punctuation", async () => {
    const files: MessagingFacts[] = [
      { path: "/repo/x/a-b.py", messages: [publish("a.b"), publish("a-b"), publish("a_b")], endpoints: [] },
      { path: "/repo/x/a_b.py", messages: [publish("a.b")], endpoints: [] },
    ];
    const document = build(files);
    expect(await parserErrors(document)).toEqual([]);
    expect(Object.keys(document.channels)).toEqual(["a-b", "a_b", "a_b_2"]);
    expect(Object.keys(document.operations)).toHaveLength(4);
    for (const id of [...Object.keys(document.channels), ...Object.keys(document.operations)]) expect(id).toMatch(/^[A-Za-z0-9_-]+$/);
    // Input order does not change the document.
    expect(build([...files].reverse())).toEqual(document);
  });

  it("makes a server of every endpoint with its protocol, without credentials", async () => {
    const document = build([
      {
        path: "/repo/net.py",
        messages: [],
        endpoints: [
          { role: "bind", endpoint: "ipc:///tmp/feed.sock", dialect: "zmq", line: 1 },
          { role: "connect", endpoint: "inproc://workers", dialect: "zmq", line: 2 },
          { role: "connect", endpoint: "rediss://user:secret@cache.internal:6380/2", dialect: "redis", line: 3 },
          { role: "bind", endpoint: "ws://0.0.0.0:8080/feed", dialect: "zmq", line: 4 },
        ],
      },
    ]);
    expect(await parserErrors(document)).toEqual([]);
    const servers = Object.values(document.servers!).map(({ description: _description, ...server }) => server);
    expect(servers).toEqual([
      {
        host: "localhost",
        protocol: "zmq",
        pathname: "/workers",
        "x-plexus-transport": "inproc",
        "x-plexus-endpoint": "inproc://workers",
        "x-plexus-connected": [{ file: "net.py", line: 2 }],
      },
      {
        host: "localhost",
        protocol: "zmq",
        pathname: "/tmp/feed.sock",
        "x-plexus-transport": "ipc",
        "x-plexus-endpoint": "ipc:///tmp/feed.sock",
        "x-plexus-bound": [{ file: "net.py", line: 1 }],
      },
      {
        host: "cache.internal:6380",
        protocol: "redis",
        pathname: "/2",
        "x-plexus-tls": true,
        "x-plexus-endpoint": "rediss://cache.internal:6380/2",
        "x-plexus-connected": [{ file: "net.py", line: 3 }],
      },
      {
        host: "0.0.0.0:8080",
        protocol: "zmq",
        pathname: "/feed",
        "x-plexus-transport": "ws",
        "x-plexus-endpoint": "ws://0.0.0.0:8080/feed",
        "x-plexus-bound": [{ file: "net.py", line: 4 }],
      },
    ]);
    expect(JSON.stringify(document)).not.toContain("secret");
  });
});
