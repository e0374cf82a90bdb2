import { runtimeScope } from "../helpers/runtime-scope.js";
import { afterAll, describe, expect, it } from "vitest";
import { createRuntime, defineActor, type Runtime } from "../../src/index.js";
import { adminClient, deleteKeys } from "../transports/redis/kit.js";
import { REDIS_URL, redisHostPort, serviceAvailable } from "../helpers/services.js";
import { runPrefix, waitFor } from "../helpers/wait.js";
import { RecordingLogger } from "./recording-logger.js";
import { ordersDuringRestart } from "./orders-during-restart.js";

const { host, port } = redisHostPort();
const hasRedis = await serviceAvailable("redis", host, port);

/** Consumer names in `group` of `stream` (XINFO CONSUMERS). */
async function consumersOf(stream: string, group: string): Promise<Array<{ name: string; pending: number }>> {
  const admin = adminClient();
  try {
    const rows = (await admin.xinfo("CONSUMERS", stream, group)) as unknown[][];
    return rows.map((row) => {
      const fields = new Map<string, unknown>();
      for (let i = 0; i < row.length; i += 2) fields.set(String(row[i]), row[i + 1]);
      return { name: String(fields.get("name")), pending: Number(fields.get("pending")) };
    });
  } finally {
    admin.disconnect();
  }
}

describe.skipIf(!hasRedis)("restarts lose nothing on redis: one consumer per child, pending entries read first", () => {
  const prefixes: string[] = [];
  const scope = runtimeScope("plexus-slot-redis-");

  afterAll(async () => {
    const admin = adminClient();
    for (const prefix of prefixes) await deleteKeys(admin, prefix);
    await admin.quit();
  });

  function newPrefix(label: string): string {
    const prefix = runPrefix(label);
    prefixes.push(prefix);
    return prefix;
  }

  it("orders published while their subscriber restarts are handled at once, not after claimIdle, with no drop logged", async () => {
    const figures = await ordersDuringRestart({
      // claimIdleMs keeps its 30 s default: entries of the failed incarnation must not wait for it.
      transport: { kind: "redis", url: REDIS_URL, prefix: newPrefix("orders-restart"), blockMs: "100ms" },
      deadlineMs: 12_000,
    });
    expect(figures).toMatchObject({ published: 2_000, processed: 2_000, incarnations: 2, deadLettered: 0, drops: {}, dropLogLines: 0 });
    expect(figures.maxWaitMs).toBeLessThan(12_000);
  });

  /** A runtime whose `watcher` subscribes to `watch.*` and crashes on `watcher.crash`. */
  async function startWatcher(prefix: string, log = new RecordingLogger()): Promise<{ rt: Runtime; seen: number[]; log: RecordingLogger }> {
    const seen: number[] = [];
    const watcher = defineActor({
      kind: "watcher",
      async start(ctx) {
        await ctx.bus.subscribe<{ n: number }>("watch.*", (envelope) => void seen.push(envelope.payload.n));
        await ctx.bus.subscribe("watcher.crash", () => void setImmediate(() => ctx.fail(new Error("asked to crash"))));
      },
    });
    scope.runtime = createRuntime({
      logger: log,
      kinds: [watcher],
      config: {
        runtime: { name: "watchers", ops: { enabled: false }, stateDir: await scope.stateDir() },
        transport: { kind: "redis", url: REDIS_URL, prefix, blockMs: "100ms" },
        supervisor: { intensity: 100, backoff: { min: "10ms", max: "10ms", jitter: 0 } },
        children: [{ id: "watcher", kind: "watcher" }],
      },
    });
    await scope.runtime.start();
    return { rt: scope.runtime, seen, log };
  }

  it("a child's restarts leave one consumer in its group", async () => {
    const prefix = newPrefix("consumers");
    const { rt, seen } = await startWatcher(prefix);
    let restarts = 0;
    const off = rt.on("lifecycle", (event) => {
      if (event.path === "root/watcher" && event.state === "restarting") restarts = event.restarts;
    });
    for (let round = 1; round <= 6; round++) {
      await rt.bus.publish("watcher.crash", {});
      await waitFor(() => restarts === round && rt.tree().children?.[0]?.state === "running", `restart ${round}`);
      await rt.bus.publish("watch.me", { n: round });
      await waitFor(() => seen.includes(round), `message ${round} after restart ${round}`);
    }
    off();
    expect(await consumersOf(`${prefix}:events`, "watcher")).toHaveLength(1);
  });

  it("a stopped child's consumers leave their groups, and nothing that stays in the stream is logged as a drop", async () => {
    const prefix = newPrefix("stopped");
    const { rt, seen, log } = await startWatcher(prefix);
    await rt.bus.publish("watcher.crash", {});
    await waitFor(() => rt.tree().children?.[0]?.restarts === 1 && rt.tree().children?.[0]?.state === "running", "the restart");
    await rt.bus.publish("watch.me", { n: 1 });
    await waitFor(() => seen.includes(1), "the message after the restart");
    // Every entry of both groups is handled and acked: leaving the groups loses nothing.
    await waitFor(() => {
      const groups = rt.bus.stats().transport;
      if (groups.kind !== "redis") return false;
      return groups.details.groups.watcher?.acked === 2 && groups.details.groups["watcher:watcher.crash"]?.acked === 2;
    }, "both groups' acks");
    await rt.stopChild("root", "watcher");
    expect(await consumersOf(`${prefix}:events`, "watcher")).toEqual([]);
    expect(await consumersOf(`${prefix}:events`, "watcher:watcher.crash")).toEqual([]);
    expect(log.lines.filter((line) => /dropped/.test(line.message))).toEqual([]);
    expect(rt.bus.stats().drops).toEqual({});
  });
});
