import { Redis } from "ioredis";
import type { ResolvedRedisTransportConfig } from "../../../src/transports/transport-config.js";
import { silentLogger } from "../../../src/common/logger.js";
import { RedisTransport, type RedisTransportTuning } from "../../../src/transports/redis/transport.js";
import { REDIS_URL } from "../../helpers/services.js";

/** Shared set-up for the Redis transport suites: configs, transports and key cleanup. */

/** A config for `prefix` with test-friendly timings (short idle and block times). */
export function redisConfig(prefix: string, overrides: Partial<ResolvedRedisTransportConfig> = {}): ResolvedRedisTransportConfig {
  return {
    kind: "redis",
    url: REDIS_URL,
    prefix,
    layout: "events",
    maxLen: 100_000,
    claimIdleMs: 300,
    maxDeliveries: 5,
    blockMs: 200,
    batch: 50,
    dedupeWindow: 10_000,
    ...overrides,
  };
}

export const fastTuning: Partial<RedisTransportTuning> = {
  reclaimIntervalMs: 100,
  discoveryIntervalMs: 100,
  closeGraceMs: 1_000,
  trimCheckIntervalMs: 60_000,
};

/** A transport with a silent logger and fast timers; remember to close it. */
export function makeTransport(config: ResolvedRedisTransportConfig, tuning: Partial<RedisTransportTuning> = {}): RedisTransport {
  return new RedisTransport(config, { log: silentLogger(), source: "test", tuning: { ...fastTuning, ...tuning } });
}

/** A plain client for inspecting what the transport wrote. */
export function adminClient(): Redis {
  return new Redis(REDIS_URL, { lazyConnect: false, maxRetriesPerRequest: 1 });
}

/** Deletes every key under `prefix` (never anything else). */
export async function deleteKeys(client: Redis, prefix: string): Promise<void> {
  let cursor = "0";
  do {
    const [next, keys] = await client.scan(cursor, "MATCH", `${prefix}*`, "COUNT", 1_000);
    cursor = next;
    if (keys.length > 0) await client.del(...keys);
  } while (cursor !== "0");
}

/** Pending count of `group` on `stream` (XPENDING summary form). */
export async function pendingCount(client: Redis, stream: string, group: string): Promise<number> {
  const summary = (await client.xpending(stream, group)) as unknown[];
  return Number(summary[0] ?? 0);
}
