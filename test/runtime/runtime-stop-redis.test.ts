import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { createRuntime, defineActor, openBus, type Runtime } from "../../src/index.js";
import { silentLogger } from "../../src/common/logger.js";
import type { MessageBus } from "../../src/transports/bus/message-bus.js";
import { TcpForwarder } from "../faults/redis-tcp-forwarder.js";
import { REDIS_URL, redisHostPort, serviceAvailable } from "../helpers/services.js";
import { runPrefix, waitFor } from "../helpers/wait.js";
import { adminClient, deleteKeys } from "../transports/redis/kit.js";
import { RecordingLogger } from "./recording-logger.js";

const { host, port } = redisHostPort();
const hasRedis = await serviceAvailable("redis", host, port);

/** An actor whose stop takes 300 ms and then publishes `bye.<id>`. */
const slowStopper = defineActor({
  kind: "slow-stopper",
  start(ctx) {
    return async () => {
      await new Promise((resolve) => setTimeout(resolve, 300));
      await ctx.bus.publish(`bye.${ctx.id}`, { id: ctx.id });
    };
  },
});

describe.skipIf(!hasRedis)("runtime.stop() on the redis transport", () => {
  const prefix = runPrefix("runtime-stop");
  const admin = adminClient();
  const cleanup: Array<() => Promise<unknown>> = [];

  afterAll(async () => {
    for (const step of cleanup.reverse()) await step().catch(() => undefined);
    await deleteKeys(admin, prefix);
    await admin.quit();
  });

  async function stateDir(): Promise<string> {
    const dir = await mkdtemp(join(tmpdir(), "plexus-stop-redis-"));
    cleanup.push(() => rm(dir, { recursive: true, force: true }));
    return dir;
  }

  it("a publish from a stop function reaches subscribers in another process's bus", async () => {
    const streamPrefix = `${prefix}-bye`;
    const listener: MessageBus = await openBus(
      { transport: { kind: "redis", url: REDIS_URL, prefix: streamPrefix, blockMs: "100ms" } },
      { source: "listener", log: silentLogger() },
    );
    cleanup.push(() => listener.close());
    const farewells: string[] = [];
    await listener.subscribe<{ id: string }>("bye.*", (envelope) => void farewells.push(envelope.payload.id));
    const runtime: Runtime = createRuntime({
      logger: silentLogger(),
      kinds: [slowStopper],
      config: {
        runtime: { name: "stop-redis", ops: { enabled: false }, stateDir: await stateDir() },
        transport: { kind: "redis", url: REDIS_URL, prefix: streamPrefix, blockMs: "100ms" },
        children: [
          { id: "first", kind: "slow-stopper" },
          { id: "second", kind: "slow-stopper" },
        ],
      },
    });
    cleanup.push(() => runtime.stop());
    await runtime.start();
    await runtime.stop();
    await waitFor(() => farewells.length === 2, "both farewells through Redis", 10_000);
    expect(farewells).toEqual(["second", "first"]);
    expect(runtime.bus.stats().outbox.dropped).toBe(0);
  }, 30_000);

  it("publishes waiting in the outbox while Redis is away reach Redis when it returns during the stop", async () => {
    const streamPrefix = `${prefix}-outage`;
    const forwarder = new TcpForwarder(host, port);
    const forwardPort = await forwarder.start();
    cleanup.push(() => forwarder.cut());
    const log = new RecordingLogger();
    const runtime: Runtime = createRuntime({
      logger: log,
      config: {
        runtime: { name: "stop-outage", ops: { enabled: false }, stateDir: await stateDir() },
        transport: { kind: "redis", url: `redis://127.0.0.1:${forwardPort}`, prefix: streamPrefix, blockMs: "100ms" },
        bus: { outbox: { flushTimeout: "20s" } },
      },
    });
    cleanup.push(() => runtime.stop());
    await runtime.start();
    await forwarder.cut();
    await waitFor(() => !runtime.bus.stats().transport.connected, "the runtime to see Redis gone", 10_000);
    for (let n = 0; n < 100; n++) await runtime.bus.publish("orders.placed", { n });
    expect(runtime.bus.stats().outbox.depth).toBe(100);

    const stopping = runtime.stop();
    expect(runtime.state).toBe("stopping");
    await forwarder.restore();
    await stopping;

    const entries = await admin.xrange(`${streamPrefix}:events`, "-", "+");
    const numbers = entries.map(([, fields]) => {
      const envelope = JSON.parse(fields[fields.indexOf("envelope") + 1] ?? "{}") as { payload?: { n?: number } };
      return envelope.payload?.n;
    });
    expect(numbers).toEqual(Array.from({ length: 100 }, (_, n) => n));
    expect(runtime.bus.stats().outbox).toMatchObject({ depth: 0, dropped: 0, replayed: 100 });
  }, 60_000);
});
