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

/** Names a listener in error messages: what it is and the config keys that set it. */
export interface ListenerNames {
  /** What the listener serves, e.g. "ops" ("ops port 8001 is in use"). */
  name: string;
  /** The config section holding its host, port and token, e.g. "runtime.ops". */
  section: string;
}

/** The ops server's names; other listeners (the registry's) pass their own. */
export const OPS_LISTENER: ListenerNames = { name: "ops", section: "runtime.ops" };

/**
 * Refuses a binding that would let anyone on the network publish without a token. Thrown before
 * listening, and non-retryable: restarting cannot fix a config mistake.
 */
export function assertSafeBinding(host: string, token: string | undefined, names: ListenerNames = OPS_LISTENER): void {
  if (!isLoopbackHost(host) && !token) {
    throw new NonRetryableError(
      `${names.name} server on ${host} is reachable from the network but has no token: set ${names.section}.token (e.g. token: \${PLEXUS_OPS_TOKEN}) or bind ${names.section}.host to 127.0.0.1`,
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
