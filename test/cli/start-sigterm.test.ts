import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { createServer, type AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TcpForwarder } from "../faults/redis-tcp-forwarder.js";
import { redisHostPort, serviceAvailable } from "../helpers/services.js";
import { silentEndpoint } from "../helpers/silent-endpoint.js";
import { runPrefix, waitFor } from "../helpers/wait.js";
import { adminClient, deleteKeys } from "../transports/redis/kit.js";
import { startCli } from "./cli-process.js";

const redis = redisHostPort();
const hasRedis = await serviceAvailable("redis", redis.host, redis.port);

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "plexus-sigterm-"));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Lifecycle lines (`<path> <state>`) from the runtime's JSON log, in order. */
function lifecycle(stderr: string): Array<{ actor: string; state: string }> {
  return stderr
    .split("\n")
    .filter((line) => line.startsWith("{"))
    .map((line) => JSON.parse(line) as { actor?: string; state?: string })
    .filter((entry): entry is { actor: string; state: string } => typeof entry.actor === "string" && typeof entry.state === "string");
}

describe("plexus start and SIGTERM", () => {
  it("stops the tree in reverse start order within the shutdown budgets and exits 0", async () => {
    const file = join(dir, "tree.yaml");
    await writeFile(
      file,
      `runtime: { name: sigterm, ops: { port: 0 }, stateDir: ${JSON.stringify(join(dir, "state"))} }
children:
  - { id: first, kind: heartbeat, shutdown: 2s, options: { everyMs: 1000 } }
  - id: group
    supervisor: { strategy: rest_for_one }
    children:
      - { id: second, kind: heartbeat, shutdown: 2s, options: { everyMs: 1000 } }
      - { id: third, kind: heartbeat, shutdown: 2s, options: { everyMs: 1000 } }
`,
    );
    const cli = startCli(["start", "-c", file], { env: { PLEXUS_LOG_LEVEL: "debug" } });
    await waitFor(() => cli.stderr().includes('"msg":"runtime running"'), "the runtime to run", 15_000);
    const workers = (state: string) =>
      lifecycle(cli.stderr())
        .filter((entry) => entry.state === state && entry.actor.split("/").length > 1 && entry.actor !== "root/group")
        .map((entry) => entry.actor);
    expect(workers("running")).toEqual(["root/first", "root/group/second", "root/group/third"]);

    cli.child.kill("SIGTERM");
    expect(await cli.exited).toBe(0);
    // Within the budgets: each actor stopped by itself, none was killed at its 2 s shutdown limit.
    // Read from the runtime's own log once the process is gone (the whole log is in), rather than
    // comparing wall-clock time to a threshold that a loaded machine can miss.
    expect(workers("stopped")).toEqual(["root/group/third", "root/group/second", "root/first"]);
    expect(workers("failed")).toEqual([]);
    expect(cli.stderr()).not.toContain("killed after shutdownMs");
    expect(cli.stderr()).toContain('"msg":"runtime stopped"');
  });

  it("runs a config with no children and no ops server until it is stopped", async () => {
    const file = join(dir, "idle.yaml");
    await writeFile(file, `runtime: { name: idle, ops: { enabled: false }, stateDir: ${JSON.stringify(join(dir, "state"))} }\n`);
    const cli = startCli(["start", "-c", file]);
    let code: number | string | undefined;
    void cli.exited.then((value) => (code = value));
    await waitFor(() => cli.stderr().includes('"msg":"runtime running"') || code !== undefined, "the runtime to run", 15_000);
    // The witness: still there to handle the signal (a process Node ended early exits 13).
    cli.child.kill("SIGTERM");
    expect(await cli.exited).toBe(0);
    expect(cli.stderr()).toContain('"msg":"runtime stopped"');
  });

  it("a single SIGTERM during a slow start cancels it: exits 0 without waiting for the start to finish", async () => {
    const xsub = await silentEndpoint();
    const xpub = await silentEndpoint();
    try {
      const file = join(dir, "slow-start.yaml");
      // The transport waits up to connectWait for a route the silent endpoints never give; the
      // test's own timeout is shorter, so only a cancelled start can end in time.
      await writeFile(
        file,
        `runtime: { name: slow-start, ops: { port: 0 }, stateDir: ${JSON.stringify(join(dir, "state"))} }
transport: { kind: zmq, xsub: "${xsub.url}", xpub: "${xpub.url}", connectWait: 120s }
children:
  - { id: beat, kind: heartbeat }
`,
      );
      const cli = startCli(["start", "-c", file]);
      await waitFor(() => xsub.sockets.size > 0 && xpub.sockets.size > 0, "the transport to be connecting", 15_000);
      cli.child.kill("SIGTERM");
      expect(await cli.exited).toBe(0);
      expect(cli.stderr()).toContain("runtime start cancelled by stop()");
      expect(cli.stderr()).not.toContain('"msg":"runtime running"');
      expect(lifecycle(cli.stderr()).filter((entry) => entry.state === "running")).toEqual([]);
    } finally {
      await xsub.close();
      await xpub.close();
    }
  }, 60_000);

  it("exits 70 at once, naming the endpoint and its holder, when the proxy's port is taken (no crash loop)", async () => {
    const holder = createServer();
    await new Promise<void>((resolve) => holder.listen(0, "127.0.0.1", resolve));
    const taken = (holder.address() as AddressInfo).port;
    try {
      const file = join(dir, "taken.yaml");
      await writeFile(
        file,
        `runtime: { name: taken, ops: { enabled: false }, stateDir: ${JSON.stringify(join(dir, "state"))} }
children:
  - { id: proxy, kind: proxy, options: { xsub: "tcp://127.0.0.1:${taken}", xpub: "tcp://127.0.0.1:0" } }
`,
      );
      const cli = startCli(["start", "-c", file]);
      expect(await cli.exited).toBe(70);
      const stderr = cli.stderr();
      expect(stderr).toContain(`tcp://127.0.0.1:${taken}`);
      expect(stderr).toContain(`pid ${process.pid}`);
      // Non-retryable: the supervisor escalated at once instead of burning its restart budget.
      expect(stderr).not.toMatch(/restarting \(restart 1\)/);
    } finally {
      holder.close();
    }
  });
});

describe.skipIf(!hasRedis)("plexus start and SIGTERM on the redis transport", () => {
  it("flushes the outbox before it exits: heartbeats kept while Redis was away reach it when it returns during the stop", async () => {
    const prefix = runPrefix("sigterm-flush");
    const admin = adminClient();
    const forwarder = new TcpForwarder(redis.host, redis.port);
    const forwardPort = await forwarder.start();
    try {
      const file = join(dir, "flush.yaml");
      await writeFile(
        file,
        `runtime: { name: sigterm-flush, ops: { port: 0 }, stateDir: ${JSON.stringify(join(dir, "state-flush"))} }
transport: { kind: redis, url: "redis://127.0.0.1:${forwardPort}", prefix: ${prefix}, blockMs: 100ms }
bus: { outbox: { flushTimeout: 30s } }
children:
  - { id: beat, kind: heartbeat, options: { everyMs: 20 } }
`,
      );
      const cli = startCli(["start", "-c", file]);
      const running = await waitFor(
        () => lifecycleLines(cli.stderr()).find((entry) => entry.msg === "runtime running"),
        "the runtime to run",
        15_000,
      );
      const health = async () => (await (await fetch(`${String(running.ops)}/health`)).json()) as { bus: { outbox: { depth: number } } };
      await forwarder.cut();
      await waitFor(async () => (await health()).bus.outbox.depth >= 10, "heartbeats to wait in the outbox", 15_000, 20);

      cli.child.kill("SIGTERM");
      await waitFor(() => cli.stderr().includes("SIGTERM received"), "the stop to begin", 10_000);
      await forwarder.restore();
      expect(await cli.exited).toBe(0);

      const entries = await admin.xrange(`${prefix}:events`, "-", "+");
      // At least once: a batch cut off in flight is sent again, so an envelope may be there twice.
      const beats = new Map<string, number>();
      for (const [, fields] of entries) {
        const envelope = JSON.parse(fields[fields.indexOf("envelope") + 1] ?? "{}") as { id: string; payload: { seq: number } };
        beats.set(envelope.id, envelope.payload.seq);
      }
      const seqs = [...beats.values()];
      // Every beat, from the first to the last one published before the stop, in order.
      expect(seqs.length).toBeGreaterThanOrEqual(10);
      expect(seqs).toEqual(Array.from({ length: seqs.length }, (_, i) => i + 1));
      expect(cli.stderr()).not.toMatch(/bus closed with \d+ envelope/);
    } finally {
      await forwarder.cut();
      await deleteKeys(admin, prefix);
      await admin.quit();
    }
  }, 60_000);
});

/** JSON log lines of the runtime. */
function lifecycleLines(stderr: string): Array<{ msg?: string; ops?: string }> {
  return stderr
    .split("\n")
    .filter((line) => line.startsWith("{"))
    .map((line) => JSON.parse(line) as { msg?: string; ops?: string });
}
