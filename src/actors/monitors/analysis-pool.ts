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
  /** Which pool of the process this is (monitors that share a pool show the same id). */
  id: number;
  threads: number;
  /** The worker threads' ids. */
  threadIds: number[];
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

/** What runs a monitor's tasks: its hold on the shared pool, or {@link inProcessRunner}. */
export type AnalysisRunner = Pick<AnalysisPool, "run" | "stats" | "release">;

/**
 * Runs tasks on the calling thread, with the worker module imported there: no isolation (a task
 * that hangs or exits takes the thread with it) and no timeout. It exists as the benchmark's
 * one-thread baseline: exactly the pool's analysis without the pool.
 */
export function inProcessRunner(filename: string): AnalysisRunner {
  let analyse: Promise<(task: unknown) => unknown> | undefined;
  let completed = 0;
  let failed = 0;
  return {
    async run<Task, Result>(task: Task): Promise<Result> {
      analyse ??= import(filename).then((module: { default: (task: unknown) => unknown }) => module.default);
      try {
        const result = (await (await analyse)(task)) as Result;
        completed += 1;
        return result;
      } catch (error) {
        failed += 1;
        throw new AnalysisError("ANALYSIS_FAILED", error instanceof Error ? error.message : String(error), error);
      }
    },
    stats: () => ({ id: 0, threads: 0, threadIds: [], queued: 0, completed, failed, timedOut: 0, crashed: 0, workerErrors: 0, holders: 1 }),
    release: () => Promise.resolve(),
  };
}

/** The process's shared pools, by what their worker threads must agree on: the thread count and Node options. */
const shared = new Map<string, SharedPool>();
let poolIds = 0;

/**
 * One monitor's hold on the process's analysis pool. Every monitor that asks for the same thread
 * count and worker Node options gets the same Piscina pool, whatever its worker module: each task
 * names its module (Piscina's per-task `filename`), and a worker thread loads each module the first
 * time a task needs it. The pool is reference-counted: {@link AnalysisPool.acquire} creates it for
 * the first holder, and the last {@link AnalysisPool.release} closes it. (A monitor asking for
 * another thread count or other Node options cannot run in those threads, so it gets a pool of
 * its own.)
 *
 * Every task settles: a task that throws fails with `ANALYSIS_FAILED`, one that runs past the
 * timeout is aborted (Piscina replaces its worker) with `ANALYSIS_TIMEOUT`, one whose worker exits
 * under it (`process.exit`, a crash in a native parser) fails with `ANALYSIS_CRASHED` and Piscina
 * starts a new worker, so the pool keeps its size.
 */
export class AnalysisPool {
  private released = false;
  /** This holder's tasks waiting for a thread, bounded by its `maxQueue`. */
  private waitingTasks = 0;

  private constructor(
    private readonly pool: SharedPool,
    private readonly options: AnalysisPoolOptions,
  ) {}

  /** The shared pool for these threads and Node options (created on first use), held until {@link AnalysisPool.release}. */
  static acquire(options: AnalysisPoolOptions): AnalysisPool {
    const key = JSON.stringify([options.threads, options.execArgv ?? []]);
    let pool = shared.get(key);
    if (!pool) shared.set(key, (pool = new SharedPool(key, options.filename, options.threads, options.execArgv)));
    pool.holders += 1;
    return new AnalysisPool(pool, options);
  }

  /** Worker threads of every open pool of the process (0 once the last holder of each has released it). */
  static liveThreads(): number {
    let threads = 0;
    for (const pool of shared.values()) threads += pool.threadIds().length;
    return threads;
  }

  /** Runs one task in this holder's worker module; rejects with an {@link AnalysisError} saying why it produced nothing. */
  run<Task, Result>(task: Task, signal?: AbortSignal): Promise<Result> {
    if (this.released || this.pool.closed) return Promise.reject(new AnalysisError("ANALYSIS_POOL_CLOSED", "the analysis pool is closed"));
    if (signal?.aborted) return Promise.reject(new AnalysisError("ANALYSIS_POOL_CLOSED", "the analysis was cancelled"));
    return new Promise<Result>((resolve, reject) => {
      const entry: Waiting = {
        task,
        filename: this.options.filename,
        timeoutMs: this.options.taskTimeoutMs,
        signal,
        resolve: resolve as (value: unknown) => void,
        reject,
      };
      if (this.pool.hasFreeThread()) return this.pool.dispatch(entry);
      if (this.waitingTasks >= this.options.maxQueue) {
        this.pool.failed += 1;
        reject(new AnalysisError("ANALYSIS_QUEUE_FULL", `the analysis queue is full (${this.options.maxQueue} tasks waiting)`));
        return;
      }
      this.waitingTasks += 1;
      entry.left = () => (this.waitingTasks -= 1);
      this.pool.enqueue(entry);
    });
  }

  /** Lets go of the pool (once; later calls do nothing); the last holder closes it (waiting tasks are refused, running ones end). */
  async release(): Promise<void> {
    if (this.released) return;
    this.released = true;
    await this.pool.release();
  }

  stats(): AnalysisPoolStats {
    return this.pool.stats();
  }
}

/** The Piscina pool behind every {@link AnalysisPool} handle of one key. */
class SharedPool {
  readonly id = ++poolIds;
  holders = 0;
  closed = false;
  failed = 0;
  private readonly piscina: Piscina;
  private closing: Promise<void> | undefined;
  private active = 0;
  // Tasks wait here, not in Piscina's queue, so that a task's timeout counts from when a thread
  // takes it: behind a hung task, waiting tasks would otherwise time out without having run.
  private readonly waiting: Waiting[] = [];
  private completed = 0;
  private timedOut = 0;
  private crashed = 0;
  private workerErrors = 0;
  private lastWorkerError: string | undefined;

  constructor(
    private readonly key: string,
    /** The first holder's worker module: the threads load it as they start, other modules on their first task. */
    filename: string,
    private readonly threads: number,
    execArgv: string[] | undefined,
  ) {
    this.piscina = new Piscina({ filename, minThreads: threads, maxThreads: threads, ...(execArgv ? { execArgv } : {}) });
    // A worker that cannot even start (its module missing, a syntax error in it) is reported
    // here, outside any task: without a listener that event would end the process.
    this.piscina.on("error", (error: unknown) => this.workerFailed(error));
  }

  hasFreeThread(): boolean {
    return this.active < this.threads;
  }

  enqueue(entry: Waiting): void {
    this.waiting.push(entry);
    if (entry.signal) {
      // Removed once the task leaves the queue: callers share one long-lived signal.
      entry.onCancel = () => this.cancelWaiting(entry);
      entry.signal.addEventListener("abort", entry.onCancel, { once: true });
    }
  }

  threadIds(): number[] {
    return this.closed ? [] : this.piscina.threads.map((thread) => thread.threadId);
  }

  async release(): Promise<void> {
    this.holders -= 1;
    if (this.holders > 0) return;
    this.closed = true;
    if (shared.get(this.key) === this) shared.delete(this.key);
    for (const entry of this.waiting.splice(0)) {
      entry.left?.();
      entry.reject(new AnalysisError("ANALYSIS_POOL_CLOSED", "the analysis pool closed"));
    }
    this.closing ??= this.piscina.destroy();
    await this.closing;
  }

  stats(): AnalysisPoolStats {
    return {
      id: this.id,
      threads: this.closed ? 0 : this.piscina.threads.length,
      threadIds: this.threadIds(),
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

  /** A worker thread failed outside a task; the tasks it would have run fail on their own. */
  private workerFailed(error: unknown): void {
    this.workerErrors += 1;
    this.lastWorkerError = error instanceof Error ? error.message : String(error);
  }

  dispatch(entry: Waiting): void {
    if (entry.onCancel) entry.signal?.removeEventListener("abort", entry.onCancel);
    this.active += 1;
    // One controller per task, aborted by its own timer or by the caller's signal; both are
    // released when the task settles, so nothing accumulates on the caller's signal.
    const abort = new AbortController();
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      abort.abort();
    }, entry.timeoutMs);
    const cancel = (): void => abort.abort();
    entry.signal?.addEventListener("abort", cancel, { once: true });
    this.piscina
      .run(entry.task, { filename: entry.filename, signal: abort.signal })
      .then(
        (result: unknown) => {
          this.completed += 1;
          entry.resolve(result);
        },
        (error: unknown) => {
          this.failed += 1;
          entry.reject(this.classify(error, timedOut, entry));
        },
      )
      .finally(() => {
        clearTimeout(timer);
        entry.signal?.removeEventListener("abort", cancel);
        this.active -= 1;
        const next = this.waiting.shift();
        if (next && !this.closed) {
          next.left?.();
          this.dispatch(next);
        }
      });
  }

  private cancelWaiting(entry: Waiting): void {
    const index = this.waiting.indexOf(entry);
    if (index < 0) return;
    this.waiting.splice(index, 1);
    entry.left?.();
    entry.reject(new AnalysisError("ANALYSIS_POOL_CLOSED", "the analysis was cancelled"));
  }

  private classify(error: unknown, timedOut: boolean, entry: Waiting): AnalysisError {
    if (timedOut && !entry.signal?.aborted) {
      this.timedOut += 1;
      return new AnalysisError("ANALYSIS_TIMEOUT", `analysis ran longer than ${entry.timeoutMs} ms; its worker was replaced`, error);
    }
    if (entry.signal?.aborted) return new AnalysisError("ANALYSIS_POOL_CLOSED", "the analysis was cancelled", error);
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
  /** The worker module that runs it. */
  filename: string;
  timeoutMs: number;
  signal: AbortSignal | undefined;
  /** Removes a waiting task when its caller cancels; detached once the task is dispatched. */
  onCancel?: () => void;
  /** Tells the holder its task left the queue (dispatched, cancelled or refused). */
  left?: () => void;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}
