import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Redis } from "ioredis";
import { afterAll, describe, expect, it } from "vitest";
import { formatTransport } from "../../src/cli/status.js";
import { createRuntime, defineActor, type Runtime } from "../../src/index.js";
import type { HealthBody } from "../../src/runtime/ops/health.js";
import { silentLogger } from "../../src/common/logger.js";
import { REDIS_URL, redisHostPort, serviceAvailable } from "../helpers/services.js";
import { runPrefix, waitFor } from "../helpers/wait.js";

const { host, port } = redisHostPort();
const hasRedis = await serviceAvailable("redis", host, port);

describe.skipIf(!hasRedis)("a runtime on the redis transport", () => {
  const prefix = runPrefix("runtime-redis");
  let runtime: Runtime | undefined;
  let dir: string | undefined;

  afterAll(async () => {
    await runtime?.stop();
    const redis = new Redis(REDIS_URL);
    const keys = await redis.keys(`${prefix}*`);
    if (keys.length > 0) await redis.del(...keys);
    await redis.quit();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it("reports group delivery counts in /health, /metrics and plexus status", async () => {
    const seen: number[] = [];
    const counter = defineActor({
      kind: "counter",
      async start(ctx) {
        await ctx.bus.subscribe<{ n: number }>("jobs.*", (envelope) => void seen.push(envelope.payload.n));
      },
    });
    dir = await mkdtemp(join(tmpdir(), "plexus-runtime-redis-"));
    runtime = createRuntime({
      logger: silentLogger(),
      kinds: [counter],
      config: {
        runtime: { name: "redis-rt", ops: { port: 0 }, stateDir: dir },
        transport: { kind: "redis", url: REDIS_URL, prefix, blockMs: "100ms" },
        children: [{ id: "counter", kind: "counter" }],
      },
    });
    await runtime.start();
    for (let n = 0; n < 5; n++) await runtime.bus.publish("jobs.run", { n });
    await waitFor(() => seen.length === 5, "five deliveries through the consumer group");
    expect(seen).toEqual([0, 1, 2, 3, 4]);

    const url = runtime.opsAddress!.url;
    const groupsOf = (body: HealthBody) => (body.transport?.kind === "redis" ? body.transport.details.groups : {});
    // Every poll fetches a fresh /health; the assertions below use the body that showed the acks.
    const health = await waitFor(async () => {
      const body = (await (await fetch(`${url}/health`)).json()) as HealthBody;
      return groupsOf(body).counter?.acked === 5 ? body : undefined;
    }, "five acks in /health");
    expect(health.transport).toMatchObject({ kind: "redis", connected: true });
    expect(groupsOf(health).counter?.delivered).toBe(5);

    const metrics = await (await fetch(`${url}/metrics`)).text();
    expect(metrics).toMatch(/plexus_transport_group\{group="counter",figure="delivered"\} 5/);
    expect(metrics).toMatch(/plexus_transport_connected\{transport="redis"\} 1/);

    const status = formatTransport(health);
    expect(status).toContain("transport redis: connected");
    expect(status).toMatch(/counter\s+\S+\s+\S+\s+5/);
  });
});
