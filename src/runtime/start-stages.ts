import type { Logger } from "../common/logger.js";
import { PlexusError } from "../common/errors.js";

/**
 * The stages of a runtime's start, cancellable by a stop at any point: each stage names what it is
 * doing (for the START_CANCELLED error) and says how to release what it produces, so that what a
 * cancelled start opened — even after the cancel — is closed before `stop()` resolves.
 */
export class StartStages {
  private readonly controller = new AbortController();
  private current = "loading the config";
  /** Releases of what a cancelled stage produced after the cancel; a stop waits for them. */
  private readonly lateReleases = new Set<Promise<void>>();

  constructor(private readonly log: Logger) {}

  /** Aborted when the start is cancelled; pass it to work that can give up by itself (a transport connect). */
  get signal(): AbortSignal {
    return this.controller.signal;
  }

  get cancelled(): boolean {
    return this.controller.signal.aborted;
  }

  /** Cancels the start: the current stage and every later one reject with START_CANCELLED. */
  cancel(): void {
    this.controller.abort(
      new PlexusError(
        "START_CANCELLED",
        `runtime.stop() was called while the runtime was starting (${this.current}); the start was cancelled and what it had opened is closed`,
        { retryable: false },
      ),
    );
  }

  /** The reason the start was cancelled (the START_CANCELLED error). */
  get reason(): unknown {
    return this.controller.signal.reason;
  }

  /** What the start is doing now. */
  get stage(): string {
    return this.current;
  }

  /**
   * Waits for one stage. A cancel during it ends the wait at once (rejecting with the cancel
   * error); whatever the stage still produces is then released by `release`, tracked until done.
   */
  async run<T>(name: string, work: Promise<T>, release?: (value: T) => Promise<void>): Promise<T> {
    this.current = name;
    // A stage that fails after a stop already cancelled it has nobody left to tell.
    work.catch(() => undefined);
    const signal = this.controller.signal;
    let onAbort: (() => void) | undefined;
    const cancelled = new Promise<never>((_, reject) => {
      onAbort = () => reject(signal.reason);
      if (signal.aborted) onAbort();
      else signal.addEventListener("abort", onAbort, { once: true });
    });
    try {
      const value = await Promise.race([work, cancelled]);
      signal.throwIfAborted();
      return value;
    } catch (error) {
      if (signal.aborted && release) this.releaseLate(work, release);
      throw error;
    } finally {
      if (onAbort) signal.removeEventListener("abort", onAbort);
    }
  }

  /** Resolves once every late release has finished. */
  async released(): Promise<void> {
    await Promise.all(this.lateReleases);
  }

  private releaseLate<T>(work: Promise<T>, release: (value: T) => Promise<void>): void {
    const released = work.then(
      (value) => release(value),
      () => undefined, // the stage failed on its own: it opened nothing that is still open
    );
    const tracked = released
      .catch((error: unknown) => this.log.error({ err: error }, "could not release what a cancelled start stage opened"))
      .finally(() => this.lateReleases.delete(tracked));
    this.lateReleases.add(tracked);
  }
}
