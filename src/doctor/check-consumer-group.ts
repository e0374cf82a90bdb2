import { randomBytes } from "node:crypto";
import type { ResolvedTransportConfig } from "../transports/transport-config.js";
import { toError } from "../common/errors.js";
import { redactUrl } from "../common/redact-url.js";
import { closeDoctorRedis, openDoctorRedis, redisFix } from "./redis-client.js";
import { DoctorExitCode, failed, passed, skipped, type DoctorCheckResult } from "./check-result.js";

const NAME = "consumer group";

/** XAUTOCLAIM, which reclaims the pending entries of dead consumers, arrived in Redis 6.2. */
const MIN_REDIS_VERSION: readonly [number, number] = [6, 2];

/**
 * Check 4 (redis only): a consumer group can be created, read through and destroyed. Works on a
 * doctor-owned stream `<prefix>:doctor:<random>` (never on the bus's own streams, so nothing
 * another consumer reads is touched) and deletes it afterwards. Also checks the server version
 * supports XAUTOCLAIM, without which dead consumers' messages would never be reclaimed.
 */
export async function checkConsumerGroup(transport: ResolvedTransportConfig): Promise<DoctorCheckResult> {
  if (transport.kind !== "redis") {
    return skipped(
      NAME,
      `${transport.kind} transport: queue groups live inside one process, there is nothing to create`,
      DoctorExitCode.consumerGroup,
    );
  }
  const stream = `${transport.prefix}:doctor:${randomBytes(6).toString("hex")}`;
  const group = "plexus-doctor";
  let client;
  try {
    client = await openDoctorRedis(transport.url);
  } catch (error) {
    const message = toError(error).message;
    return failed(
      NAME,
      `cannot connect to ${redactUrl(transport.url)}: ${message}`,
      redisFix(transport.url, message),
      DoctorExitCode.consumerGroup,
    );
  }
  let step = "INFO server";
  try {
    const version = parseRedisVersion(await client.info("server"));
    if (version && compareVersion(version, MIN_REDIS_VERSION) < 0) {
      return failed(
        NAME,
        `redis ${version.join(".")} lacks XAUTOCLAIM (needs ${MIN_REDIS_VERSION.join(".")} or newer): pending entries of dead consumers could never be reclaimed`,
        "upgrade Redis to 6.2 or newer",
        DoctorExitCode.consumerGroup,
      );
    }
    step = `XGROUP CREATE ${stream} ${group} $ MKSTREAM`;
    await client.xgroup("CREATE", stream, group, "$", "MKSTREAM");
    step = `XADD ${stream}`;
    await client.xadd(stream, "*", "doctor", "1");
    step = `XREADGROUP GROUP ${group} on ${stream}`;
    const read = (await client.xreadgroup("GROUP", group, "doctor", "COUNT", 1, "STREAMS", stream, ">")) as unknown[] | null;
    if (!Array.isArray(read) || read.length === 0) {
      return failed(
        NAME,
        `group ${group} on ${stream} was created but reading it returned nothing`,
        "check for a Redis proxy or module rewriting stream commands",
        DoctorExitCode.consumerGroup,
      );
    }
    step = `XGROUP DESTROY ${stream} ${group}`;
    await client.xgroup("DESTROY", stream, group);
    const shownVersion = version ? `redis ${version.join(".")}: ` : "";
    return passed(NAME, `${shownVersion}created, read and destroyed group ${group} on ${stream}`, DoctorExitCode.consumerGroup);
  } catch (error) {
    const message = toError(error).message;
    return failed(
      NAME,
      `${step} failed on ${redactUrl(transport.url)}: ${message}`,
      redisFix(transport.url, message),
      DoctorExitCode.consumerGroup,
    );
  } finally {
    await client.del(stream).catch(() => undefined);
    await closeDoctorRedis(client);
  }
}

/** `[major, minor, patch]` from an `INFO server` reply, when it carries `redis_version`. */
export function parseRedisVersion(info: string): [number, number, number] | undefined {
  const match = /^redis_version:(\d+)\.(\d+)\.(\d+)/m.exec(info);
  return match ? [Number(match[1]), Number(match[2]), Number(match[3])] : undefined;
}

function compareVersion(version: readonly number[], minimum: readonly number[]): number {
  for (let i = 0; i < minimum.length; i++) {
    const difference = (version[i] ?? 0) - (minimum[i] ?? 0);
    if (difference !== 0) return difference;
  }
  return 0;
}
