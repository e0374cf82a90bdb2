import { timingSafeEqual } from "node:crypto";
import { isIP } from "node:net";
import { NonRetryableError } from "../../common/errors.js";

/** True when `host` only accepts connections from this machine. */
export function isLoopbackHost(host: string): boolean {
  const bare = host.startsWith("[") && host.endsWith("]") ? host.slice(1, -1) : host;
  if (bare === "localhost" || bare === "::1") return true;
  if (isIP(bare) === 4) return bare.startsWith("127.");
  // IPv4-mapped IPv6 loopback, e.g. ::ffff:127.0.0.1
  if (bare.toLowerCase().startsWith("::ffff:")) return isLoopbackHost(bare.slice(7));
  return false;
}

/**
 * Refuses a binding that would let anyone on the network publish without a token. Thrown before
 * listening, and non-retryable: restarting cannot fix a config mistake.
 */
export function assertSafeBinding(host: string, token: string | undefined): void {
  if (!isLoopbackHost(host) && !token) {
    throw new NonRetryableError(
      `ops server on ${host} is reachable from the network but has no token: set runtime.ops.token (e.g. token: \${PLEXUS_OPS_TOKEN}) or bind runtime.ops.host to 127.0.0.1`,
      { code: "OPS_TOKEN_REQUIRED" },
    );
  }
}

/** True when the `Authorization` header carries `Bearer <token>`. Compared in constant time. */
export function bearerMatches(header: string | undefined, token: string): boolean {
  if (!header) return false;
  const match = /^Bearer\s+(.+)$/i.exec(header.trim());
  if (!match?.[1]) return false;
  const given = Buffer.from(match[1], "utf8");
  const expected = Buffer.from(token, "utf8");
  return given.length === expected.length && timingSafeEqual(given, expected);
}
