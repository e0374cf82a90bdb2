import { Redis } from "ioredis";
import { afterAll, describe, expect, it } from "vitest";
import { createRuntime, silentLogger, type Envelope, type Runtime } from "../../../src/index.js";
import { redisHostPort, REDIS_URL, serviceAvailable } from "../../helpers/services.js";
import { runPrefix, waitFor } from "../../helpers/wait.js";

const { host, port } = redisHostPort();
const hasRedis = await serviceAvailable("redis", host, port);
const prefix = `${runPrefix("registry")}:`;
const runtimes: Runtime[] = [];

afterAll(async () => {
  await Promise.all(runtimes.map((runtime) => runtime.stop()));
  if (!hasRedis) return;
  const redis = new Redis(REDIS_URL);
  const keys = await redis.keys(`${prefix}*`);
  if (keys.length > 0) await redis.del(...keys);
  await redis.quit();
});

async function start(name: string): Promise<{ runtime: Runtime; url: string; events: Envelope[] }> {
  const runtime = createRuntime({
    logger: silentLogger(),
    config: {
      runtime: { name, ops: { port: 0 } },
      children: [
        {
          id: "registry",
          kind: "registry",
          options: { port: 0, store: "redis", redis: { url: REDIS_URL, prefix }, eviction: { minInstances: 100 } },
        },
      ],
    },
  });
  runtimes.push(runtime);
  await runtime.start();
  const events: Envelope[] = [];
  await runtime.bus.subscribe("registry.>", (envelope) => void events.push(envelope));
  const health = (await (await fetch(`${runtime.opsAddress!.url}/health`)).json()) as {
    actors: Array<{ kind: string; status?: { url?: string } }>;
  };
  return { runtime, url: health.actors.find((actor) => actor.kind === "registry")!.status!.url!, events };
}

const post = (url: string, body: unknown) =>
  fetch(`${url}/services`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
const ids = async (url: string, name: string): Promise<string[]> => {
  const response = await fetch(`${url}/services/${name}`);
  if (response.status === 404) return [];
  return ((await response.json()) as { instances: Array<{ id: string }> }).instances.map((instance) => instance.id);
};

describe.skipIf(!hasRedis)("registry with the Redis store shared by two runtimes", () => {
  it("both runtimes see the same instances; a runtime that stops renewing has its instances expire everywhere, reported once", async () => {
    const a = await start("registry-a");
    const b = await start("registry-b");
    expect((await post(a.url, { name: "orders", url: "http://a1.test", id: "a1", ttl: 1 })).status).toBe(201);
    expect((await post(b.url, { name: "orders", url: "http://b1.test", id: "b1", ttl: 60 })).status).toBe(201);
    expect(await ids(a.url, "orders")).toEqual(["a1", "b1"]);
    expect(await ids(b.url, "orders")).toEqual(["a1", "b1"]);
    expect(await (await fetch(`${b.url}/services`)).json()).toEqual(["orders"]);
    // A heartbeat through either runtime renews the shared lease.
    expect((await fetch(`${b.url}/services/orders/a1/heartbeat`, { method: "PUT" })).status).toBe(200);

    // Watching from b sees a change made through a.
    const before = (await fetch(`${b.url}/services/orders`)).headers.get("x-registry-index")!;
    const watching = fetch(`${b.url}/services/orders?wait=10s&index=${before}`);
    expect((await post(a.url, { name: "orders", url: "http://a2.test", id: "a2", ttl: 60 })).status).toBe(201);
    const changed = await watching;
    expect(Number(changed.headers.get("x-registry-index"))).toBeGreaterThan(Number(before));

    // Runtime a goes away; nobody renews a1, so it expires for everyone.
    await a.runtime.stop();
    await waitFor(async () => !(await ids(b.url, "orders")).includes("a1"), "a1 expired as seen from b", 5_000);
    expect(await ids(b.url, "orders")).toEqual(["a2", "b1"]);
    expect((await fetch(`${b.url}/services/orders/a1/heartbeat`, { method: "PUT" })).status).toBe(404);
    const c = await start("registry-c");
    expect(await ids(c.url, "orders")).toEqual(["a2", "b1"]);
    const expiredEverywhere = [...a.events, ...b.events, ...c.events].filter((e) => e.topic === "registry.expired");
    expect(expiredEverywhere.map((e) => (e.payload as { id: string }).id)).toEqual(["a1"]);

    expect((await fetch(`${c.url}/services/orders/b1`, { method: "DELETE" })).status).toBe(204);
    expect(await ids(b.url, "orders")).toEqual(["a2"]);
  });
});
