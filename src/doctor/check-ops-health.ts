import type { ResolvedOpsConfig } from "../runtime/ops/ops-config.js";
import { toError } from "../common/errors.js";
import { DoctorExitCode, failed, passed, skipped, warned, type DoctorCheckResult } from "./check-result.js";

const NAME = "ops health";
const HEALTH_TIMEOUT_MS = 2_000;

/**
 * Check 3: when the config enables the ops server, ask `GET /health` of the runtime it describes.
 *
 * Decisions (doctor checks the environment, and a runtime need not be running for it to be fine):
 * - ops disabled, or port 0 (ephemeral, so unknowable from the config) → skipped;
 * - nothing listening → a warning with "start it with plexus start -c …", never a failure;
 * - a plexus runtime answering 503 (unhealthy) → a warning naming its state and reason;
 * - something that is not a plexus ops server holding the port → a prerequisites failure (exit 1),
 *   because `plexus start` with this config would fail to bind it.
 */
export async function checkOpsHealth(ops: ResolvedOpsConfig, configLabel: string): Promise<DoctorCheckResult> {
  if (!ops.enabled) return skipped(NAME, "runtime.ops is disabled in the config", 0);
  if (ops.port === 0)
    return skipped(NAME, "runtime.ops.port is 0 (ephemeral): the port of a running runtime cannot be known from the config", 0);
  const url = `http://${urlHost(ops.host)}:${ops.port}/health`;
  let response: Response;
  try {
    response = await fetch(url, {
      signal: AbortSignal.timeout(HEALTH_TIMEOUT_MS),
      ...(ops.token ? { headers: { authorization: `Bearer ${ops.token}` } } : {}),
    });
  } catch (error) {
    const cause = (toError(error) as Error & { cause?: { code?: string } }).cause?.code ?? toError(error).message;
    return warned(
      NAME,
      `no runtime answers at ${url} (${cause}); fine if it is not meant to run yet`,
      `start it with plexus start -c ${configLabel}`,
      0,
    );
  }
  const body = await readJson(response);
  const state = typeof body?.state === "string" ? body.state : undefined;
  if (state === undefined) {
    return failed(
      NAME,
      `${url} answered HTTP ${response.status} but is not a plexus ops server`,
      `another program holds port ${ops.port}: stop it or change runtime.ops.port in ${configLabel}`,
      DoctorExitCode.prerequisites,
    );
  }
  const name = typeof body?.name === "string" ? body.name : "runtime";
  if (response.ok) {
    const actors = Array.isArray(body?.actors) ? `, ${body.actors.length} actors` : "";
    return passed(NAME, `${name} at ${url} is ${state}${actors}`, 0);
  }
  const reason = typeof body?.reason === "string" ? `: ${body.reason}` : "";
  return warned(
    NAME,
    `${name} at ${url} answers but is unhealthy (${state}${reason})`,
    `inspect it with plexus status --url http://${urlHost(ops.host)}:${ops.port} and its logs`,
    0,
  );
}

/** 0.0.0.0 and :: listen everywhere; they are reached on loopback. IPv6 literals need brackets. */
function urlHost(host: string): string {
  if (host === "0.0.0.0" || host === "") return "127.0.0.1";
  if (host === "::") return "[::1]";
  return host.includes(":") && !host.startsWith("[") ? `[${host}]` : host;
}

async function readJson(response: Response): Promise<Record<string, unknown> | undefined> {
  try {
    const value: unknown = await response.json();
    return typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}
