import { Redis, type RedisOptions } from "ioredis";
import { PlexusError } from "../../common/errors.js";
import type { Logger } from "../../common/logger.js";
import { redactUrl } from "../../common/redact-url.js";

/** Tuning of the connections a RedisTransport opens. */
export interface RedisConnectionOptions {
  /** A command (publish pipeline, ack, claim) failing to answer within this rejects. Default 5000. */
  commandTimeoutMs: number;
  /** Longest pause between reconnect attempts. Default 2000. */
  maxReconnectDelayMs: number;
}

export const DEFAULT_CONNECTION_OPTIONS: RedisConnectionOptions = { commandTimeoutMs: 5_000, maxReconnectDelayMs: 2_000 };

/**
 * What a connection is for. `commands`: acks, claims, group admin (every command gets ioredis'
 * own timeout). `publish`: XADD pipelines; timed out per batch by {@link withTimeout} instead,
 * because ioredis arms one timer per command and a 100-entry pipeline would arm 100. `blocking`:
 * a subscription's XREADGROUP … BLOCK connection.
 */
export type ConnectionKind = "commands" | "publish" | "blocking";

/**
 * Opens one ioredis connection named `role` (`commands`, `publish`, or `read:<group>`) and waits
 * until it is ready.
 *
 * Why these options: commands must fail fast while Redis is away, so the Bus keeps envelopes in
 * its own bounded outbox instead of ioredis queueing them without bound (`enableOfflineQueue:
 * false`) or retrying them after reconnect behind the Bus's back (`maxRetriesPerRequest: 0`).
 * `commandTimeout` covers a Redis that accepts the connection but does not answer (CLIENT PAUSE, a
 * black-holed network). Blocking reads get no command timeout (they are meant to wait) but a
 * client-side guard a little longer than their BLOCK time. Reconnection itself never gives up.
 */
export async function openRedisConnection(
  url: string,
  role: string,
  kind: ConnectionKind,
  log: Logger,
  options: RedisConnectionOptions,
): Promise<Redis> {
  const timeouts: RedisOptions =
    kind === "blocking"
      ? { blockingTimeout: options.commandTimeoutMs, blockingTimeoutGrace: 1_000 }
      : kind === "commands"
        ? { commandTimeout: options.commandTimeoutMs }
        : {};
  const redisOptions: RedisOptions = {
    lazyConnect: true,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    connectionName: `plexus:${role}`.replace(/\s/g, "_"),
    retryStrategy: (attempt) => Math.min(attempt * 100, options.maxReconnectDelayMs),
    ...timeouts,
  };
  const client = new Redis(url, redisOptions);
  // Without a listener ioredis prints every reconnect failure to stderr; log once per outage.
  let reported = false;
  client.on("error", (error: Error) => {
    if (reported) return;
    reported = true;
    log.warn({ role, url: redactUrl(url), err: error.message }, `redis connection "${role}" failed; reconnecting in the background`);
  });
  client.on("ready", () => {
    reported = false;
  });
  try {
    await client.connect();
  } catch (error) {
    client.disconnect();
    throw new PlexusError(
      "REDIS_UNREACHABLE",
      `Redis transport cannot reach ${redactUrl(url)} (${(error as Error).message}): start Redis there or fix transport.url`,
      { cause: error },
    );
  }
  return client;
}

/** Resolves once `client` is ready again, or false after `timeoutMs`. */
export function waitUntilReady(client: Redis, timeoutMs: number): Promise<boolean> {
  if (client.status === "ready") return Promise.resolve(true);
  return new Promise((resolve) => {
    const onReady = () => {
      clearTimeout(timer);
      resolve(true);
    };
    const timer = setTimeout(() => {
      client.off("ready", onReady);
      resolve(false);
    }, timeoutMs);
    client.once("ready", onReady);
  });
}

/** Rejects with "<what> timed out after <ms> ms" unless `promise` settles first; one timer per call. */
export function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} timed out after ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
