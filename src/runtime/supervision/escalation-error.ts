import { PlexusError } from "../../common/errors.js";
import type { RestartDecision } from "./restart-decision.js";

/** The error a supervisor fails with when it gives up: why, and the child failure that made it. */
export function escalationError(path: string, decision: Extract<RestartDecision, { action: "escalate" }>): PlexusError {
  const why = decision.cause === "non-retryable" ? "a child failed with a non-retryable error" : "restart intensity exceeded";
  return new PlexusError("SUPERVISOR_ESCALATED", `supervisor ${path} gave up (${why}): ${decision.error.message}`, {
    cause: decision.error,
    retryable: decision.cause !== "non-retryable",
  });
}
