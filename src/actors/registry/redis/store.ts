import type { Redis } from "ioredis";
import { PlexusError } from "../../../common/errors.js";
import type { Logger } from "../../../common/logger.js";
import { redactUrl } from "../../../common/redact-url.js";
import type { EvictionCounts } from "../eviction-guard.js";
import type { Lease } from "../lease.js";
import type { LeaseRegistration } from "../lease-machine.js";
import type { RegisterResult, RegistryStore, RenewResult, ServiceLeases } from "../registry-store.js";
import { COUNTS_SCRIPT, DEREGISTER_SCRIPT, EXPIRE_SCRIPT, REGISTER_SCRIPT, RENEW_SCRIPT, SERVICE_SCRIPT } from "./scripts.js";

/** Where the Redis store connects and which keys it uses. */
export interface RedisStoreOptions {
  url: string;
  /** Prefix of every key; runtimes sharing a registry use the same one. */
  prefix: string;
  /** Expired leases taken per script call, so one call never blocks Redis for long. */
  expireBatch?: number;
}

type Reply = Array<string | number>;

interface ScriptCommands {
  registryRegister(...args: Array<string | number>): Promise<Reply>;
  registryRenew(...args: Array<string | number>): Promise<Reply>;
  registryDeregister(...args: Array<string | number>): Promise<Reply>;
  registryService(...args: Array<string | number>): Promise<Reply>;
  registryCounts(...args: Array<string | number>): Promise<Reply>;
  registryExpire(...args: Array<string | number>): Promise<Reply>;
}

/**
 * Leases in Redis, shared by every runtime that uses the same URL and prefix. Each operation is
 * one Lua script deciding with the Redis server's clock, so all runtimes agree on what is live and
 * when it expires; a runtime that dies stops renewing the leases it served and they expire
 * everywhere. Times shown to clients are the Redis server's.
 */
export class RedisRegistryStore implements RegistryStore {
  private constructor(
    private readonly client: Redis & ScriptCommands,
    private readonly prefix: string,
    private readonly expireBatch: number,
    /** Redis server time minus this process's clock, measured at connect. */
    private readonly offsetMs: number,
  ) {}

  static async open(options: RedisStoreOptions, log: Logger, localNow: () => number): Promise<RedisRegistryStore> {
    const client = (await connect(options.url, log)) as Redis & ScriptCommands;
    const scripts: Array<[keyof ScriptCommands, string]> = [
      ["registryRegister", REGISTER_SCRIPT],
      ["registryRenew", RENEW_SCRIPT],
      ["registryDeregister", DEREGISTER_SCRIPT],
      ["registryService", SERVICE_SCRIPT],
      ["registryCounts", COUNTS_SCRIPT],
      ["registryExpire", EXPIRE_SCRIPT],
    ];
    for (const [name, lua] of scripts) client.defineCommand(name, { numberOfKeys: 0, lua });
    const [seconds, micros] = await client.time();
    const offsetMs = Number(seconds) * 1000 + Math.floor(Number(micros) / 1000) - localNow();
    return new RedisRegistryStore(client, options.prefix, options.expireBatch ?? 1_000, offsetMs);
  }

  async register(registration: LeaseRegistration, _now: number): Promise<RegisterResult> {
    const view = JSON.stringify({ url: registration.url, meta: sortedMeta(registration.meta) });
    const [now, registeredAt, changed] = await this.client.registryRegister(
      this.prefix,
      registration.name,
      registration.id,
      registration.ttlMs,
      view,
    );
    return {
      lease: { ...registration, registeredAt: Number(registeredAt), lastHeartbeat: Number(now) },
      changed: Number(changed) === 1,
    };
  }

  async renew(name: string, id: string, _now: number, evictionPaused: boolean): Promise<RenewResult> {
    const reply = await this.client.registryRenew(this.prefix, name, id, evictionPaused ? "1" : "0");
    const outcome = Number(reply[0]);
    if (outcome === 0) return { outcome: "unknown" };
    if (outcome === 1)
      return { outcome: "renewed", lease: { ...decodeLease(name, id, String(reply[2])), lastHeartbeat: Number(reply[1]) } };
    return { outcome: "expired", lease: decodeLease(name, id, String(reply[2]), Number(reply[3])) };
  }

  async deregister(name: string, id: string): Promise<Lease | undefined> {
    const reply = await this.client.registryDeregister(this.prefix, name, id);
    return Number(reply[0]) === 1 ? decodeLease(name, id, String(reply[2]), Number(reply[3])) : undefined;
  }

  async serviceNames(): Promise<string[]> {
    return (await this.client.smembers(`${this.prefix}names`)).sort();
  }

  async service(name: string): Promise<ServiceLeases | undefined> {
    const reply = await this.client.registryService(this.prefix, name);
    const leases: Lease[] = [];
    for (let at = 1; at + 2 < reply.length + 1; at += 3)
      leases.push(decodeLease(name, String(reply[at]), String(reply[at + 1]), Number(reply[at + 2])));
    if (leases.length === 0) return undefined;
    return { leases, index: Number(reply[0]) };
  }

  async serviceIndex(name: string): Promise<number> {
    return Number((await this.client.hget(`${this.prefix}idx`, name)) ?? 0);
  }

  async counts(_now: number, windowMs: number): Promise<EvictionCounts> {
    const [, live, due, expiredInWindow] = await this.client.registryCounts(this.prefix, windowMs);
    return { live: Number(live), due: Number(due), expiredInWindow: Number(expiredInWindow) };
  }

  async expireDue(): Promise<Lease[]> {
    const expired: Lease[] = [];
    for (;;) {
      const reply = await this.client.registryExpire(this.prefix, this.expireBatch);
      for (let at = 1; at + 2 < reply.length + 1; at += 3) {
        const key = String(reply[at]);
        const slash = key.indexOf("/");
        expired.push(decodeLease(key.slice(0, slash), key.slice(slash + 1), String(reply[at + 1]), Number(reply[at + 2])));
      }
      if ((reply.length - 1) / 3 < this.expireBatch) return expired;
    }
  }

  async resetWindow(): Promise<void> {
    await this.client.del(`${this.prefix}gone`);
  }

  now(localNow: number): Promise<number> {
    return Promise.resolve(localNow + this.offsetMs);
  }

  async close(): Promise<void> {
    await this.client.quit().catch(() => this.client.disconnect());
  }
}

/**
 * One connection for the store. Commands fail fast while Redis is away (no offline queue, a
 * command timeout) so a request answers 5xx instead of hanging; reconnection never gives up.
 * ioredis is loaded only here, when a config asks for the Redis store.
 */
async function connect(url: string, log: Logger): Promise<Redis> {
  const { Redis } = await import("ioredis");
  const client = new Redis(url, {
    lazyConnect: true,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    commandTimeout: 5_000,
    connectionName: "plexus:registry",
    retryStrategy: (attempt) => Math.min(attempt * 100, 2_000),
  });
  let reported = false;
  client.on("error", (error: Error) => {
    if (reported) return;
    reported = true;
    log.warn({ url: redactUrl(url), err: error.message }, "registry's Redis connection failed; reconnecting in the background");
  });
  client.on("ready", () => (reported = false));
  try {
    await client.connect();
  } catch (error) {
    client.disconnect();
    throw new PlexusError(
      "REDIS_UNREACHABLE",
      `registry store cannot reach Redis at ${redactUrl(url)} (${(error as Error).message}): start Redis there or fix options.redis.url`,
      {
        cause: error,
      },
    );
  }
  return client;
}

function sortedMeta(meta: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(meta).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/** A lease from its stored record; `expiresAt` gives its last heartbeat (one TTL before). */
function decodeLease(name: string, id: string, record: string, expiresAt?: number): Lease {
  const [registeredAt = "0", ttl = "0", ...rest] = record.split("\t");
  const view = JSON.parse(rest.join("\t") || "{}") as { url?: string; meta?: Record<string, string> };
  const ttlMs = Number(ttl);
  return {
    name,
    id,
    url: view.url ?? "",
    meta: view.meta ?? {},
    ttlMs,
    registeredAt: Number(registeredAt),
    lastHeartbeat: expiresAt === undefined ? Number(registeredAt) : expiresAt - ttlMs,
  };
}
