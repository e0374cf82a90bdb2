import { Redis } from "ioredis";
import { redactUrl } from "../common/redact-url.js";

/** How long doctor waits for Redis to accept a connection or answer one command. */
export const DOCTOR_REDIS_TIMEOUT_MS = 3_000;

/**
 * Opens a short-lived Redis connection for a doctor check. Unlike the transport's connections it
 * never reconnects: doctor wants the first failure, reported, not a retry loop in the background.
 */
export async function openDoctorRedis(url: string): Promise<Redis> {
  const client = new Redis(url, {
    lazyConnect: true,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
    connectTimeout: DOCTOR_REDIS_TIMEOUT_MS,
    commandTimeout: DOCTOR_REDIS_TIMEOUT_MS,
    connectionName: "plexus:doctor",
  });
  // The failure is reported by connect() rejecting; without a listener ioredis would also print it.
  client.on("error", () => {});
  try {
    await client.connect();
  } catch (error) {
    client.disconnect();
    throw error;
  }
  return client;
}

/** Closes a doctor connection without caring whether Redis is still there. */
export async function closeDoctorRedis(client: Redis): Promise<void> {
  await client.quit().catch(() => client.disconnect());
}

/** The advice for a Redis at `url` that does not answer or refuses us. */
export function redisFix(url: string, message: string): string {
  if (/NOAUTH|WRONGPASS|invalid password|AUTH/i.test(message)) {
    return "Redis wants credentials: put them in transport.url (redis://USER:PASSWORD@host:port) or the env var it interpolates";
  }
  if (/NOPERM/i.test(message)) {
    return "the Redis user lacks permissions: grant stream and group commands, e.g. ACL SETUSER <user> +@stream +@keyspace +ping +info";
  }
  let host = "";
  try {
    host = new URL(url).hostname;
  } catch {
    return `transport.url ${redactUrl(url)} is not a valid URL; use redis://host:port`;
  }
  if (host === "127.0.0.1" || host === "localhost" || host === "::1" || host === "[::1]") {
    return "start Redis: redis-server --daemonize yes (or fix transport.url)";
  }
  return `check that Redis runs on ${host} and accepts connections from this machine, or fix transport.url`;
}
