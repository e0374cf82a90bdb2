import { waitFor as waitForCondition } from "../../src/testing/wait-for.js";

/**
 * Polls `condition` until it returns a truthy value or `timeoutMs` passes (then throws `what`):
 * plexus/testing's `waitFor` with positional arguments, as plexus's own tests call it.
 *
 * `condition` runs afresh on every poll, so it must READ THE LIVE VALUE each time: call
 * `transport.stats()` inside it rather than polling a snapshot taken before the wait. `what` may
 * be a function: it is called only on timeout, so a message can report the counts at that moment.
 */
export function waitFor<T>(
  condition: () => T | Promise<T>,
  what: string | (() => string),
  timeoutMs = 5_000,
  intervalMs = 5,
): Promise<NonNullable<T>> {
  return waitForCondition(condition, { message: what, timeoutMs, intervalMs });
}

/** A unique prefix for keys, streams and topics created by one test run. */
export function runPrefix(label: string): string {
  return `plexus-test-${label}-${process.pid}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
}
