import type { StopFunction } from "../define-actor.js";
import { toError } from "../../common/errors.js";
import { withinShutdown } from "./child-instance.js";

/**
 * The stop function of one started actor, run at most once.
 *
 * Both the running state's invoked callback (on any exit from `running`, including the hosted
 * actor being torn down from outside) and the stopping/failing states ask for the release; only
 * the first call runs the stop function, later callers wait for the same completion. That is what
 * makes "the stop function ran exactly once per start" hold on every path.
 */
export class OnceRelease {
  private started = false;
  private completion: Promise<void> | undefined;
  private syncError: Error | undefined;

  constructor(private readonly stopFunction: StopFunction | undefined) {}

  /** True once the stop function has been called (or there was none). */
  get hasRun(): boolean {
    return this.started;
  }

  /** Runs the stop function the first time; never throws (failures surface in `finished`). */
  run(): void {
    if (this.started) return;
    this.started = true;
    if (!this.stopFunction) return;
    try {
      const result = this.stopFunction();
      if (result !== undefined && typeof (result as Promise<void>).then === "function") {
        this.completion = Promise.resolve(result).then(() => undefined);
        // Observed later by `finished`; without this a rejection before that is "unhandled".
        this.completion.catch(() => undefined);
      }
    } catch (error) {
      this.syncError = toError(error);
      this.completion = Promise.reject(this.syncError);
      this.completion.catch(() => undefined);
    }
  }

  /**
   * Where the release stands right after `run()`: `done` when the stop function returned
   * synchronously (or there was none), `failed` when it threw, `pending` while its promise runs.
   * Lets the lifecycle skip an invoked wait in the common synchronous case.
   */
  get outcome(): "done" | "failed" | "pending" {
    if (!this.started) return "pending";
    if (this.completion === undefined) return "done";
    return this.syncError === undefined ? "pending" : "failed";
  }

  /** The error a synchronous stop function threw. */
  get error(): Error | undefined {
    return this.syncError;
  }

  /** Runs the release if needed and waits for it, giving up after `shutdownMs`. */
  async finished(shutdownMs: number, path: string): Promise<void> {
    this.run();
    if (this.completion === undefined) return;
    await withinShutdown(this.completion, shutdownMs, path);
  }
}
