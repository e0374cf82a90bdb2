import type { AnyActorDefinition } from "../define-actor.js";
import { isSupervisorSpec, type ChildSpec, type SupervisorSpec } from "./child-spec.js";
import { NonRetryableError } from "../../common/errors.js";

const RESTART_TYPES = new Set(["permanent", "transient", "temporary"]);
const STRATEGIES = new Set(["one_for_one", "one_for_all", "rest_for_one"]);

/**
 * Checks a child spec (and, for a supervisor, its whole subtree) before anything starts, as OTP
 * does, so a typo fails at boot with the path of the offending child instead of as a crash loop.
 * Throws a NonRetryableError naming the path, the key and what to do.
 */
export function validateChildSpec(spec: ChildSpec, parentPath: string | undefined, kinds: ReadonlyMap<string, AnyActorDefinition>): void {
  const where = parentPath === undefined ? String(spec.id) : `${parentPath}/${spec.id}`;
  if (typeof spec.id !== "string" || !/^[A-Za-z0-9_.-]+$/.test(spec.id)) {
    fail(where, "id", `must be letters, digits, '_', '.' or '-' (it becomes part of the path), got ${JSON.stringify(spec.id)}`);
  }
  if (!RESTART_TYPES.has(spec.restart))
    fail(where, "restart", `must be permanent, transient or temporary, got ${JSON.stringify(spec.restart)}`);
  if (!isSupervisorSpec(spec)) {
    if (!isNonNegativeNumber(spec.shutdownMs)) fail(where, "shutdownMs", `must be a number ≥ 0, got ${JSON.stringify(spec.shutdownMs)}`);
    if (!kinds.has(spec.kind)) {
      const known = [...kinds.keys()].sort().join(", ") || "(none registered)";
      fail(where, "kind", `unknown actor kind ${JSON.stringify(spec.kind)}; known kinds: ${known}`);
    }
    return;
  }
  // A supervisor may have Infinity, OTP's `infinity`: no budget of its own, each child being
  // bounded by its own.
  if (!(typeof spec.shutdownMs === "number" && spec.shutdownMs >= 0))
    fail(where, "shutdownMs", `must be a number ≥ 0 or Infinity, got ${JSON.stringify(spec.shutdownMs)}`);
  validateSupervisorSpec(spec.supervisor, where);
  const seen = new Set<string>();
  for (const child of spec.children) {
    if (seen.has(child.id))
      fail(`${where}/${child.id}`, "id", "is used twice under the same supervisor; ids must be unique among siblings");
    seen.add(child.id);
    validateChildSpec(child, where, kinds);
  }
}

function validateSupervisorSpec(spec: SupervisorSpec, where: string): void {
  if (!STRATEGIES.has(spec.strategy))
    fail(where, "supervisor.strategy", `must be one_for_one, one_for_all or rest_for_one, got ${JSON.stringify(spec.strategy)}`);
  if (!Number.isInteger(spec.intensity) || spec.intensity < 0)
    fail(where, "supervisor.intensity", `must be an integer ≥ 0, got ${JSON.stringify(spec.intensity)}`);
  if (!(typeof spec.periodMs === "number" && spec.periodMs > 0))
    fail(where, "supervisor.periodMs", `must be a number > 0, got ${JSON.stringify(spec.periodMs)}`);
  if (!isNonNegativeNumber(spec.stableMs)) fail(where, "supervisor.stableMs", `must be a number ≥ 0, got ${JSON.stringify(spec.stableMs)}`);
  const backoff = spec.backoff;
  if (!isNonNegativeNumber(backoff.minMs) || !isNonNegativeNumber(backoff.maxMs) || backoff.maxMs < backoff.minMs) {
    fail(where, "supervisor.backoff", `needs 0 ≤ minMs ≤ maxMs, got minMs=${backoff.minMs} maxMs=${backoff.maxMs}`);
  }
  if (!(typeof backoff.jitter === "number" && backoff.jitter >= 0 && backoff.jitter <= 1)) {
    fail(where, "supervisor.backoff.jitter", `must be between 0 and 1, got ${JSON.stringify(backoff.jitter)}`);
  }
}

function isNonNegativeNumber(value: unknown): value is number {
  return typeof value === "number" && Number.isFinite(value) && value >= 0;
}

function fail(where: string, key: string, problem: string): never {
  throw new NonRetryableError(`invalid child spec at ${where}: ${key}: ${problem}`, { code: "INVALID_CHILD_SPEC" });
}
