import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ActorTreeNode } from "../../src/runtime/lifecycle-types.js";
import { silentLogger } from "../../src/common/logger.js";
import { Metrics } from "../../src/common/metrics.js";
import { startOpsServer, type OpsServer } from "../../src/runtime/ops/server.js";
import type { Envelope } from "../../src/transports/envelope.js";
import { waitFor } from "../helpers/wait.js";
import { TestBus } from "../runtime/ops/test-bus.js";
import { invokeCli as startCli, runInProcess as runCliProcess } from "./memory-io.js";

const tree: ActorTreeNode = {
  id: "root",
  path: "root",
  type: "supervisor",
  kind: "one_for_one",
  state: "running",
  restarts: 0,
  children: [
    { id: "heartbeat", path: "root/heartbeat", type: "worker", kind: "heartbeat", state: "running", restarts: 0 },
    {
      id: "monitors",
      path: "root/monitors",
      type: "supervisor",
      kind: "rest_for_one",
      state: "running",
      restarts: 1,
      children: [
        {
          id: "integration",
          path: "root/monitors/integration",
          type: "worker",
          kind: "integration-monitor",
          state: "restarting",
          restarts: 3,
          lastError: "watcher died\nat line 2",
        },
      ],
    },
  ],
};

let bus: TestBus;
let server: OpsServer;
let secured: OpsServer;
let securedBus: TestBus;
let dir: string;
let healthy = true;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "plexus-cli-"));
  bus = new TestBus();
  const target = {
    name: "cli-test",
    bus,
    metrics: new Metrics(),
    log: silentLogger(),
    tree: () => tree,
    health: () => ({ ok: healthy, ready: healthy, state: healthy ? "running" : "failed" }),
  };
  server = await startOpsServer(target, { host: "127.0.0.1", port: 0, maxBodyBytes: 10_000 });
  securedBus = new TestBus();
  secured = await startOpsServer(
    { ...target, bus: securedBus, metrics: new Metrics() },
    { host: "127.0.0.1", port: 0, maxBodyBytes: 10_000, token: "tok3n" },
  );
});

afterAll(async () => {
  await Promise.all([server.close(), secured.close()]);
  await rm(dir, { recursive: true, force: true });
});

describe("plexus pub", () => {
  it("publishes inline JSON --count times with headers and prints one id per line", async () => {
    const before = bus.published.length;
    const result = await runCliProcess([
      "pub",
      "orders.created",
      '{"id": 1}',
      "--url",
      server.address.url,
      "--count",
      "2",
      "--header",
      "trace=abc",
      "--header",
      "k=v=w",
    ]);
    expect(result.code).toBe(0);
    const sent = bus.published.slice(before);
    expect(result.stdout.trim().split("\n")).toEqual(sent.map((e) => e.id));
    expect(sent.map((e) => [e.topic, e.payload, e.headers, e.source])).toEqual([
      ["orders.created", { id: 1 }, { trace: "abc", k: "v=w" }, "cli"],
      ["orders.created", { id: 1 }, { trace: "abc", k: "v=w" }, "cli"],
    ]);
  });

  it("reads one JSON per stdin line with -, and a document with @file", async () => {
    const before = bus.published.length;
    const fromStdin = await runCliProcess(["pub", "jobs.start", "-", "--url", server.address.url], { input: '{"n": 1}\n\n[2]\n"three"\n' });
    expect(fromStdin.code).toBe(0);
    expect(fromStdin.stdout.trim().split("\n")).toHaveLength(3);
    const file = join(dir, "payload.json");
    await writeFile(file, '{\n  "multi": "line"\n}\n');
    const fromFile = await runCliProcess(["pub", "jobs.start", `@${file}`, "--url", server.address.url]);
    expect(fromFile.code).toBe(0);
    expect(bus.published.slice(before).map((e) => e.payload)).toEqual([{ n: 1 }, [2], "three", { multi: "line" }]);
  });

  it("exits 65 with the reason for bad JSON, a bad topic or a contract violation", async () => {
    const before = bus.published.length;
    const [badJson, badLine, badTopic, contract] = await Promise.all([
      runCliProcess(["pub", "a.b", "{oops", "--url", server.address.url]),
      runCliProcess(["pub", "a.b", "-", "--url", server.address.url], { input: "1\nnot-json\n" }),
      runCliProcess(["pub", "a..b", "1", "--url", server.address.url]),
      runCliProcess(["pub", "strict.x", '{"n": "no"}', "--url", server.address.url]),
    ]);
    expect(badJson.code).toBe(65);
    expect(badJson.stderr).toContain("the JSON argument is not JSON");
    expect(badLine.code).toBe(65);
    expect(badLine.stderr).toContain("stdin line 2");
    expect(badLine.stdout.trim().split("\n")).toHaveLength(1);
    expect(badTopic.code).toBe(65);
    expect(badTopic.stderr).toContain('Invalid topic "a..b"');
    expect(contract.code).toBe(65);
    expect(contract.stderr).toContain("/n");
    expect(bus.published.length - before).toBe(1);
  });

  it("exits 65 for a payload JSON cannot encode again (nested 100,000 deep), publishing nothing", async () => {
    const before = bus.published.length;
    const deep = `${"[".repeat(100_000)}${"]".repeat(100_000)}`;
    const result = await runCliProcess(["pub", "x.deep", "-", "--url", server.address.url], { input: `${deep}\n` });
    expect(result.code).toBe(65);
    expect(result.stderr).toMatch(/stdin line 1 cannot be sent: .*nested/);
    expect(result.stdout).toBe("");
    expect(bus.published.length).toBe(before);
  });

  it("sends the bearer token from --token or PLEXUS_TOKEN, and explains a 401", async () => {
    const [denied, viaFlag, viaEnv] = await Promise.all([
      runCliProcess(["pub", "a.b", "1", "--url", secured.address.url]),
      runCliProcess(["pub", "a.b", "2", "--url", secured.address.url, "--token", "tok3n"]),
      runCliProcess(["pub", "a.b", "3", "--url", secured.address.url], { env: { PLEXUS_TOKEN: "tok3n" } }),
    ]);
    expect(denied.code).toBe(1);
    expect(denied.stderr).toMatch(/PLEXUS_TOKEN/);
    expect([viaFlag.code, viaEnv.code]).toEqual([0, 0]);
    expect(securedBus.published.map((e) => e.payload).sort()).toEqual([2, 3]);
  });

  it("says clearly when the runtime is unreachable, or -c names a transport that is down", async () => {
    const closed = await startOpsServer(
      {
        name: "gone",
        bus: new TestBus(),
        metrics: new Metrics(),
        log: silentLogger(),
        tree: () => tree,
        health: () => ({ ok: true, ready: true, state: "running" }),
      },
      { host: "127.0.0.1", port: 0, maxBodyBytes: 100 },
    );
    await closed.close();
    const redisConfig = join(dir, "redis-down.yaml");
    // Port 1 on loopback: nothing listens there, so the direct client must fail fast and say so.
    await writeFile(redisConfig, 'runtime: { name: r }\ntransport: { kind: redis, url: "redis://127.0.0.1:1" }\nchildren: []\n');
    const [unreachable, redis] = await Promise.all([
      runCliProcess(["pub", "a.b", "1", "--url", closed.address.url]),
      runCliProcess(["pub", "-c", redisConfig, "a.b", "1"]),
    ]);
    expect(unreachable.code).toBe(1);
    expect(unreachable.stderr).toContain(`cannot reach the plexus ops server at ${closed.address.url}`);
    expect(unreachable.stderr).toContain("ECONNREFUSED");
    expect(redis.code).toBe(1);
    expect(redis.stderr).toContain("cannot reach the redis transport");
    expect(redis.stderr).toContain("plexus doctor -c");
  });
});

describe("plexus sub", () => {
  it("prints --count matching envelopes as JSON lines and exits 0", async () => {
    const sub = startCli(["sub", "orders.*", "--count", "2", "--timeout", "20", "--url", server.address.url]);
    await waitFor(() => sub.stderr().includes("subscribed to orders.*"), "the CLI to confirm its subscription", 10_000);
    await bus.publish("orders.created", { n: 1 });
    await bus.publish("other.topic", { n: 0 });
    await bus.publish("orders.paid", { n: 2 });
    await bus.publish("orders.late", { n: 3 });
    expect(await sub.exited).toBe(0);
    const lines = sub
      .stdout()
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line) as Envelope);
    expect(lines.map((e) => [e.topic, e.payload])).toEqual([
      ["orders.created", { n: 1 }],
      ["orders.paid", { n: 2 }],
    ]);
    await waitFor(() => [...bus.entries].every((entry) => entry.pattern !== "orders.*"), "the server to drop the CLI's subscription");
  });

  it("on --timeout exits 0 without --count, and 1 when --count was not reached", async () => {
    const [noCount, shortCount] = await Promise.all([
      runCliProcess(["sub", "quiet.>", "--timeout", "0.5", "--url", server.address.url]),
      runCliProcess(["sub", "quiet.>", "--count", "5", "--timeout", "0.5", "--url", server.address.url]),
    ]);
    expect(noCount.code).toBe(0);
    expect(noCount.stdout).toBe("");
    expect(shortCount.code).toBe(1);
    expect(shortCount.stderr).toContain("received 0 of 5");
  });

  it("passes --group and rejects an invalid pattern with the server's reason", async () => {
    const sub = startCli(["sub", "work.>", "--group", "g1", "--count", "1", "--timeout", "20", "--url", server.address.url]);
    await waitFor(() => [...bus.entries].some((entry) => entry.group === "g1"), "a group subscription", 10_000);
    await bus.publish("work.item", 1);
    expect(await sub.exited).toBe(0);
    const invalid = await runCliProcess(["sub", "a.>.b", "--url", server.address.url, "--timeout", "5"]);
    expect(invalid.code).toBe(64);
    expect(invalid.stderr).toContain("last segment");
  });
});

describe("plexus status", () => {
  it("prints the live tree as an indented table, or JSON, and exits 2 when unhealthy", async () => {
    const table = await runCliProcess(["status", "--url", server.address.url]);
    expect(table.code).toBe(0);
    const lines = table.stdout.split("\n");
    expect(lines[0]).toBe("runtime cli-test: running");
    expect(lines[1]).toMatch(/^ID\s+KIND\s+STATE\s+RESTARTS\s+LAST ERROR$/);
    expect(lines[2]).toMatch(/^root\s+one_for_one\s+running\s+0$/);
    expect(lines[4]).toMatch(/^ {2}monitors\s+rest_for_one\s+running\s+1$/);
    expect(lines[5]).toMatch(/^ {4}integration\s+integration-monitor\s+restarting\s+3\s+watcher died ⏎ at line 2$/);

    const json = await runCliProcess(["status", "--url", server.address.url, "--json"]);
    expect(json.code).toBe(0);
    const parsed = JSON.parse(json.stdout) as { health: { actors: unknown[] }; tree: ActorTreeNode };
    expect(parsed.tree).toEqual(tree);
    expect(parsed.health.actors).toHaveLength(4);

    healthy = false;
    try {
      expect((await runCliProcess(["status", "--url", server.address.url])).code).toBe(2);
    } finally {
      healthy = true;
    }
  });

  it("finds the URL from -c, and exits 1 with a clear message when unreachable", async () => {
    const config = join(dir, "status.yaml");
    await writeFile(config, `runtime:\n  name: s\n  ops: { host: 0.0.0.0, port: "\${TEST_OPS_PORT}" }\nchildren: []\n`);
    const viaConfig = await runCliProcess(["status", "-c", config], { env: { TEST_OPS_PORT: String(server.address.port) } });
    expect(viaConfig.code).toBe(0);
    expect(viaConfig.stdout).toContain("integration");
    const unreachable = await runCliProcess(["status", "--url", "http://127.0.0.1:1"]);
    expect(unreachable.code).toBe(1);
    expect(unreachable.stderr).toContain("cannot reach the plexus ops server at http://127.0.0.1:1");
  });
});
