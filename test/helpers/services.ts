import { Socket } from "node:net";

/** True when PLEXUS_REQUIRE_SERVICES=1 (set by .ci/run): a missing service fails instead of skipping. */
export const servicesRequired = process.env.PLEXUS_REQUIRE_SERVICES === "1";

export const REDIS_URL = process.env.PLEXUS_TEST_REDIS_URL ?? "redis://127.0.0.1:6379";

/** Resolves true when something accepts TCP connections on host:port within timeoutMs. */
export function tcpReachable(host: string, port: number, timeoutMs = 500): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = new Socket();
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once("connect", () => done(true));
    socket.once("error", () => done(false));
    socket.connect(port, host);
  });
}

/**
 * Decides whether a suite needing `service` runs. Returns true to run; prints a loud skip notice
 * and returns false when absent locally; throws when PLEXUS_REQUIRE_SERVICES=1.
 * Use as: `const hasRedis = await serviceAvailable("redis", ...); describe.skipIf(!hasRedis)(…)`.
 */
export async function serviceAvailable(service: string, host: string, port: number): Promise<boolean> {
  if (await tcpReachable(host, port)) return true;
  const message = `${service} is not answering on ${host}:${port}`;
  if (servicesRequired) throw new Error(`${message} and PLEXUS_REQUIRE_SERVICES=1: start it (see .ci/run)`);
  console.warn(`\n!!! SKIPPING ${service} integration tests: ${message}. Set PLEXUS_REQUIRE_SERVICES=1 to make this a failure.\n`);
  return false;
}

/** Redis host/port parsed from REDIS_URL. */
export function redisHostPort(): { host: string; port: number } {
  const url = new URL(REDIS_URL);
  return { host: url.hostname, port: Number(url.port || 6379) };
}
