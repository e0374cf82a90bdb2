/**
 * Polls `condition` until it returns a truthy value or `timeoutMs` passes (then throws `what`).
 *
 * `condition` runs afresh on every poll, so it must READ THE LIVE VALUE each time: call
 * `transport.stats()` inside it rather than polling a snapshot taken before the wait. `what` may
 * be a function: it is called only on timeout, so a message can report the counts at that moment.
 */
export async function waitFor<T>(
  condition: () => T | Promise<T>,
  what: string | (() => string),
  timeoutMs = 5_000,
  intervalMs = 5,
): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await condition();
      if (value) return value as NonNullable<T>;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline) {
      const description = typeof what === "function" ? what() : what;
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${description}${last ? `: ${String(last)}` : ""}`);
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

/** A unique prefix for keys, streams and topics created by one test run. */
export function runPrefix(label: string): string {
  return `plexus-test-${label}-${process.pid}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
}
