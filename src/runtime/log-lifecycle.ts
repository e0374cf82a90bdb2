import type { Logger } from "../common/logger.js";
import type { LifecycleEvent } from "./lifecycle-types.js";

/** Failures, restarts and escalations are what an operator reads the log for; the rest is debug. */
export function logLifecycle(log: Logger, event: LifecycleEvent): void {
  const fields = { actor: event.path, state: event.state, restarts: event.restarts, ...(event.error ? { err: event.error } : {}) };
  if (event.state === "failed") log.warn(fields, `${event.path} failed: ${event.error?.message ?? "no reason given"}`);
  else if (event.state === "escalated")
    log.error(fields, `${event.path} gave up (restart intensity exceeded or non-retryable error); escalating`);
  else if (event.state === "restarting") log.info(fields, `${event.path} restarting (restart ${event.restarts})`);
  else log.debug(fields, `${event.path} ${event.state}`);
}
