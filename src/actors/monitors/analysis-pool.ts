import { Piscina } from "piscina";
import { PlexusError } from "../../common/errors.js";
import type { PlexusErrorCode } from "../../common/error-codes.js";

/** How to run a monitor's per-file analysis off the main thread. */
export interface AnalysisPoolOptions {
  /** The worker module (a file URL or path) whose default export analyses one task. */
  filename: string;
  /** Worker threads. @defaultValue 2 */
  threads: number;
  /** Tasks that may wait for a free thread; beyond it `run` fails with `ANALYSIS_QUEUE_FULL`. @defaultValue 1000 */
  maxQueue: number;
  /** A task running longer (from when a thread takes it) is aborted, its worker replaced, and it fails with `ANALYSIS_TIMEOUT`. @defaultValue 10000 */
  taskTimeoutMs: number;
  /** Node options of the workers, e.g. `["--import", "tsx"]` to run TypeScript analysis in tests. */
  execArgv?: string[];
}

/** Why a task failed, for the caller to branch on. */
export type AnalysisFailure = Extract<PlexusErrorCode, `ANALYSIS_${string}`>;

/** Counters of one pool (shared by every monitor using it). */
export interface AnalysisPoolStats {
  threads: number;
  queued: number;
  completed: number;
  failed: number;
  timedOut: number;
  /** Tasks whose worker died under them (a native crash or `process.exit`); the worker was replaced. */
  crashed: number;
  /** Worker threads that failed outside any task (e.g. their module could not load). */
  workerErrors: number;
  lastWorkerError?: string;
  /** Monitors holding the pool. */
  holders: number;
}

/** A task that did not produce a result, with the reason as its code. */
export class AnalysisError extends PlexusError {
  declare readonly code: AnalysisFailure;

  constructor(code: AnalysisFailure, message: string, cause?: unknown) {
    super(code, message, { cause, retryable: code !== "ANALYSIS_POOL_CLOSED" });
    this.name = "AnalysisError";
  }
}

const shared = new Map<string, AnalysisPool>();

/**
 * A Piscina pool for pure per-file analysis, shared by every monitor of the process that asks for
 * the same worker module and thread count: {@link AnalysisPool.acquire} hands out the one pool and
 * counts holders, and the last {@link AnalysisPool.release} closes it.
 *
 * Every task settles: a task that throws fails with `ANALYSIS_FAILED`, one that runs past the
 * timeout is aborted (Piscina replaces its worker) with `ANALYSIS_TIMEOUT`, one whose worker exits
 * under it (`process.exit`, a crash in a native parser) fails with `ANALYSIS_CRASHED` and Piscina
 * starts a new worker, so the pool keeps its size.
 */
export class AnalysisPool {
  private holders = 0;
  private closed = false;
  private active = 0;
  // Tasks wait here, not in Piscina's queue, so that a task's timeout counts from when a thread
  // takes it: behind a hung task, waiting tasks would otherwise time out without having run.
  private readonly waiting: Waiting[] = [];
  private completed = 0;
  private failed = 0;
  private timedOut = 0;
  private crashed = 0;
  private workerErrors = 0;
  private lastWorkerError: string | undefined;

  private constructor(
    private readonly key: string,
    private readonly pool: Piscina,
    private readonly options: AnalysisPoolOptions,
  ) {}

  /** The shared pool for these options (created on first use), held until {@link AnalysisPool.release}. */
  static acquire(options: AnalysisPoolOptions): AnalysisPool {
    const key = JSON.stringify([options.filename, options.threads, options.maxQueue, options.taskTimeoutMs, options.execArgv ?? []]);
    let pool = shared.get(key);
    if (!pool) {
      const piscina = new Piscina({
        filename: options.filename,
        minThreads: options.threads,
        maxThreads: options.threads,
        ...(options.execArgv ? { execArgv: options.execArgv } : {}),
      });
      pool = new AnalysisPool(key, piscina, options);
      // A worker that cannot even start (its module missing, a syntax error in it) is reported
      // here, outside any task: without a listener that event would end the process.
      piscina.on("error", (error: unknown) => pool?.workerFailed(error));
      shared.set(key, pool);
    }
    pool.holders += 1;
    return pool;
  }

  /** A worker thread failed outside a task; the tasks it would have run fail on their own. */
  private workerFailed(error: unknown): void {
    this.workerErrors += 1;
    this.lastWorkerError = error instanceof Error ? error.message : String(error);
  }

  /** Runs one task; rejects with an {@link AnalysisError} saying why it produced nothing. */
  run<Task, Result>(task: Task, signal?: AbortSignal): Promise<Result> {
    if (this.closed) return Promise.reject(new AnalysisError("ANALYSIS_POOL_CLOSED", "the analysis pool is closed"));
    if (signal?.aborted) return Promise.reject(new AnalysisError("ANALYSIS_POOL_CLOSED", "the analysis was cancelled"));
    return new Promise<Result>((resolve, reject) => {
      const entry: Waiting = { task, signal, resolve: resolve as (value: unknown) => void, reject };
      if (this.active < this.options.threads) {
        this.dispatch(entry);
        return;
      }
      if (this.waiting.length >= this.options.maxQueue) {
        this.failed += 1;
        reject(new AnalysisError("ANALYSIS_QUEUE_FULL", `the analysis queue is full (${this.options.maxQueue} tasks waiting)`));
        return;
      }
      this.waiting.push(entry);
      if (signal) {
        // Removed once the task leaves the queue: callers share one long-lived signal.
        entry.onCancel = () => this.cancelWaiting(entry);
        signal.addEventListener("abort", entry.onCancel, { once: true });
      }
    });
  }

  /** Lets go of the pool; the last holder closes it (waiting tasks are refused, running ones end). */
  async release(): Promise<void> {
    if (this.holders === 0) return;
    this.holders -= 1;
    if (this.holders > 0) return;
    this.closed = true;
    shared.delete(this.key);
    for (const entry of this.waiting.splice(0)) entry.reject(new AnalysisError("ANALYSIS_POOL_CLOSED", "the analysis pool closed"));
    await this.pool.destroy();
  }

  stats(): AnalysisPoolStats {
    return {
      threads: this.pool.threads.length,
      queued: this.waiting.length,
      completed: this.completed,
      failed: this.failed,
      timedOut: this.timedOut,
      crashed: this.crashed,
      workerErrors: this.workerErrors,
      ...(this.lastWorkerError === undefined ? {} : { lastWorkerError: this.lastWorkerError }),
      holders: this.holders,
    };
  }

  private dispatch(entry: Waiting): void {
    if (entry.onCancel) entry.signal?.removeEventListener("abort", entry.onCancel);
    this.active += 1;
    // One controller per task, aborted by its own timer or by the caller's signal; both are
    // released when the task settles, so nothing accumulates on the caller's signal.
    const abort = new AbortController();
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      abort.abort();
    }, this.options.taskTimeoutMs);
    const cancel = (): void => abort.abort();
    entry.signal?.addEventListener("abort", cancel, { once: true });
    this.pool
      .run(entry.task, { signal: abort.signal })
      .then(
        (result: unknown) => {
          this.completed += 1;
          entry.resolve(result);
        },
        (error: unknown) => {
          this.failed += 1;
          entry.reject(this.classify(error, timedOut, entry.signal));
        },
      )
      .finally(() => {
        clearTimeout(timer);
        entry.signal?.removeEventListener("abort", cancel);
        this.active -= 1;
        const next = this.waiting.shift();
        if (next && !this.closed) this.dispatch(next);
      });
  }

  private cancelWaiting(entry: Waiting): void {
    const index = this.waiting.indexOf(entry);
    if (index < 0) return;
    this.waiting.splice(index, 1);
    entry.reject(new AnalysisError("ANALYSIS_POOL_CLOSED", "the analysis was cancelled"));
  }

  private classify(error: unknown, timedOut: boolean, signal: AbortSignal | undefined): AnalysisError {
    if (timedOut && !signal?.aborted) {
      this.timedOut += 1;
      return new AnalysisError(
        "ANALYSIS_TIMEOUT",
        `analysis ran longer than ${this.options.taskTimeoutMs} ms; its worker was replaced`,
        error,
      );
    }
    if (signal?.aborted) return new AnalysisError("ANALYSIS_POOL_CLOSED", "the analysis was cancelled", error);
    const message = error instanceof Error ? error.message : String(error);
    // Piscina's wording when a worker thread ends under a task.
    if (/worker exited/i.test(message)) {
      this.crashed += 1;
      return new AnalysisError("ANALYSIS_CRASHED", `the analysis worker died: ${message}`, error);
    }
    return new AnalysisError("ANALYSIS_FAILED", message, error);
  }
}

interface Waiting {
  task: unknown;
  signal: AbortSignal | undefined;
  /** Removes a waiting task when its caller cancels; detached once the task is dispatched. */
  onCancel?: () => void;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}
