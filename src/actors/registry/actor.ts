import { DURATION_SCHEMA, parseDuration } from "../../common/durations.js";
import { coalescingSaver } from "../../runtime/coalescing-saver.js";
import type { ActorContext } from "../../runtime/actor-context.js";
import { defineActor, type OptionsFromSchema } from "../../runtime/define-actor.js";
import { startRegistryHttpServer } from "./http-server.js";
import { MemoryRegistryStore, type MemoryStoreSnapshot } from "./memory/store.js";
import { Registry, type RegistryEvent } from "./registry.js";
import type { RegistryStore } from "./registry-store.js";
import { mountRegistryRoutes } from "./routes.js";

/** Options of the `registry` kind; each `default` is the one source of that default. */
export const registryOptionsSchema = {
  type: "object",
  additionalProperties: false,
  properties: {
    host: {
      type: "string",
      minLength: 1,
      default: "127.0.0.1",
      description: "Interface of the registry's own HTTP listener; beyond loopback `token` is required.",
    },
    port: {
      type: "integer",
      minimum: 0,
      maximum: 65535,
      default: 8888,
      description: "Port of the registry's HTTP listener; 0 binds an ephemeral one.",
    },
    token: {
      type: "string",
      description: "Bearer token every write (POST, PUT, DELETE) must carry; required when `host` is not loopback. Empty means none.",
    },
    ttl: {
      ...DURATION_SCHEMA,
      default: "60s",
      description: "Lease TTL of a registration that names none: it expires when no heartbeat arrives within it.",
    },
    heartbeat: {
      ...DURATION_SCHEMA,
      default: "30s",
      description:
        "Heartbeat interval the registry advises clients (returned as `heartbeat` seconds on registration); keep it under the TTL.",
    },
    sweep: { ...DURATION_SCHEMA, default: "1s", description: "How often due leases are looked for and expired; at most 1 s." },
    maxBodyBytes: { type: "integer", minimum: 1024, default: 65536, description: "Largest request body; larger gets 413." },
    renewedEventEvery: {
      type: "integer",
      minimum: 0,
      default: 100,
      description: "Publish one `registry.renewed` event per this many heartbeats (sampled; 0 turns them off).",
    },
    store: {
      enum: ["memory", "redis"],
      default: "memory",
      description: "memory: this runtime only, persisted in its state; redis: shared by every runtime using the same Redis and prefix.",
    },
    redis: {
      type: "object",
      additionalProperties: false,
      default: {},
      properties: {
        url: { type: "string", minLength: 1, default: "redis://127.0.0.1:6379", description: "Redis of the `redis` store." },
        prefix: { type: "string", minLength: 1, default: "plexus:registry:", description: "Prefix of every key the `redis` store writes." },
      },
    },
    eviction: {
      type: "object",
      additionalProperties: false,
      default: {},
      properties: {
        pauseShare: {
          type: "number",
          minimum: 0,
          maximum: 1,
          default: 0.15,
          description:
            "Eviction pauses (alarm: log, metric, /health degraded) when more than this share of instances stop renewing within one window; 1 never pauses.",
        },
        window: { ...DURATION_SCHEMA, default: "60s", description: "The window of the eviction guard." },
        minInstances: { type: "integer", minimum: 0, default: 10, description: "Below this many instances eviction never pauses." },
      },
    },
  },
} as const;

/** The options a registry actor gets (defaults applied). */
export type RegistryOptions = OptionsFromSchema<typeof registryOptionsSchema>;

/**
 * A service registry: instances register over HTTP on the registry's own listener, heartbeat to
 * keep their TTL lease, and expire when they stop; clients list and long-poll services. Events go
 * on the bus (`registry.registered`, sampled `registry.renewed`, `registry.expired`,
 * `registry.deregistered`); eviction safety pauses expiry when too many instances stop renewing at
 * once. The memory store keeps its leases in the actor's state across restarts; the Redis store
 * is shared by several runtimes.
 */
export const registryActor = defineActor({
  kind: "registry",
  description: "service registry: HTTP API on its own port, TTL leases, events on registry.*, memory or Redis store",
  options: registryOptionsSchema,
  async start(ctx) {
    return startRegistry(ctx);
  },
});

async function startRegistry(ctx: ActorContext<RegistryOptions>): Promise<() => Promise<void>> {
  const options = ctx.options;
  const sweepMs = Math.min(parseDuration(options.sweep ?? "1s", "options.sweep"), 1_000);
  const heartbeatMs = parseDuration(options.heartbeat ?? "30s", "options.heartbeat");
  const eviction = {
    pauseShare: options.eviction?.pauseShare ?? 0.15,
    windowMs: parseDuration(options.eviction?.window ?? "60s", "options.eviction.window"),
    minInstances: options.eviction?.minInstances ?? 10,
  };
  const opened = await openStore(ctx);
  const store = opened.store;
  const registry = new Registry(
    store,
    {
      defaultTtlMs: parseDuration(options.ttl ?? "60s", "options.ttl"),
      eviction,
      sweepMs: Math.max(10, sweepMs),
      renewedEventEvery: options.renewedEventEvery ?? 100,
      watchPollMs: options.store === "redis" ? 250 : undefined,
    },
    {
      clock: ctx.clock,
      log: ctx.log,
      metrics: ctx.metrics,
      publish: (topic: string, payload: RegistryEvent) => {
        ctx.bus.publish(topic, payload).catch((error: unknown) => ctx.log.warn({ err: error, topic }, "registry event not published"));
      },
    },
  );
  const token = options.token !== undefined && options.token !== "" ? options.token : undefined;
  let server;
  try {
    server = await startRegistryHttpServer(
      {
        host: options.host ?? "127.0.0.1",
        port: options.port ?? 8888,
        ...(token === undefined ? {} : { token }),
        maxBodyBytes: options.maxBodyBytes ?? 65_536,
        names: { name: `registry "${ctx.id}"`, section: `children[id=${ctx.id}].options` },
      },
      ctx.log,
      (app) => mountRegistryRoutes(app, registry, heartbeatMs),
    );
  } catch (error) {
    await store.close();
    throw error;
  }
  registry.start();
  const removeStatus = ctx.ops.status(() => ({ url: server.url, store: options.store ?? "memory", ...registry.status() }));
  ctx.log.info({ url: server.url, store: options.store ?? "memory", restored: opened.restored }, `registry listening on ${server.url}`);
  return async () => {
    removeStatus();
    await server.close();
    await registry.stop();
    await opened.flush();
    await store.close();
  };
}

interface OpenedStore {
  store: RegistryStore;
  restored: number;
  /** Writes what is not saved yet (memory store); nothing for a shared store. */
  flush(): Promise<void>;
}

async function openStore(ctx: ActorContext<RegistryOptions>): Promise<OpenedStore> {
  if (ctx.options.store === "redis") {
    const { RedisRegistryStore } = await import("./redis/store.js");
    const store = await RedisRegistryStore.open(
      { url: ctx.options.redis?.url ?? "redis://127.0.0.1:6379", prefix: ctx.options.redis?.prefix ?? "plexus:registry:" },
      ctx.log,
      () => ctx.clock.now(),
    );
    return { store, restored: 0, flush: () => Promise.resolve() };
  }
  const saver = coalescingSaver(ctx.state, ctx.log, "registry leases", () => store.snapshot());
  const store = new MemoryRegistryStore(() => saver.request());
  const saved = await ctx.state.load<MemoryStoreSnapshot>();
  const restored = saved?.version === 1 && Array.isArray(saved.leases) ? store.restore(saved, ctx.clock.now()) : 0;
  return { store, restored, flush: () => saver.flush() };
}
