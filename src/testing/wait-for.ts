/** How long `waitFor` polls and what its timeout error says. */
export interface WaitForOptions {
  /** Give up after this long. @defaultValue 5000 */
  timeoutMs?: number;
  /** Pause between polls. @defaultValue 5 */
  intervalMs?: number;
  /**
   * What was awaited, for the timeout error: `timed out after 5000 ms waiting for <message>`. A
   * function is called only on timeout, so the message can report the live values at that moment.
   */
  message?: string | (() => string);
}

/**
 * Polls a live value until `condition` returns something truthy (which it resolves to) or the
 * deadline passes (then it throws, naming `message` and the last error `condition` threw). Use it
 * instead of sleeping: the test goes on as soon as the condition holds, and a slow machine only
 * makes it slower, never flaky.
 *
 * ```ts
 * await waitFor(() => bus.published.find((e) => e.topic === "orders.accepted"), { message: "the acceptance" });
 * ```
 */
export async function waitFor<T>(condition: () => T | Promise<T>, options: WaitForOptions = {}): Promise<NonNullable<T>> {
  const timeoutMs = options.timeoutMs ?? 5_000;
  const intervalMs = options.intervalMs ?? 5;
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await condition();
      if (value) return value as NonNullable<T>;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() >= deadline) {
      const what = (typeof options.message === "function" ? options.message() : options.message) ?? "the condition";
      const last =
        lastError === undefined ? "" : `; the condition last threw: ${lastError instanceof Error ? lastError.message : String(lastError)}`;
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${last}`);
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
