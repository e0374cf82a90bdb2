import { existsSync } from "node:fs";
import { sep } from "node:path";
import type { Clock, TimerHandle } from "../../common/clock.js";
import { NonRetryableError } from "../../common/errors.js";
import type { Logger } from "../../common/logger.js";
import type { AnalysisPoolStats, AnalysisRunner } from "./analysis-pool.js";
import { CoalescingQueue, type CoalescingQueueStats, type ReadyPath } from "./coalescing-queue.js";
import type { CrossFileIndex } from "./cross-file-index.js";
import { FailureTracker, type FailedFile } from "./failure-tracker.js";
import { FindingsLedger, type FindingsDiff } from "./findings-ledger.js";
import { MONITOR_SNAPSHOT_VERSION, type MonitorSnapshot, type TrackedFile } from "./monitor-snapshot.js";
import { RateLimiter } from "./rate-limiter.js";
import type { ResultCache, ResultCacheStats } from "./result-cache.js";
import { readSource, statSource } from "./source-file.js";
import type { FileWatcher, WatchBackend } from "./watch/file-watcher.js";
import type { PathFilter } from "./watch/path-filter.js";
import { walkTree } from "./watch/walk-tree.js";
import type { WatchProblem } from "./watch/watch-problem.js";

/** Files the walk stats at once when it checks tracked files against the tree. */
const WALK_STAT_BATCH = 64;

/** Why a file is tracked but not analysed. */
export type SkipReason = "oversized" | "binary" | "unreadable";

/** Everything a {@link MonitorEngine} is built from; the monitor kind fills it from its options. */
export interface MonitorEngineOptions<Facts> {
  /** Absolute directories to watch. */
  roots: readonly string[];
  filter: PathFilter;
  backend: WatchBackend;
  queue: { capacity: number; debounceMs: number };
  /** Files above this size are listed as skipped, never read. */
  maxFileBytes: number;
  /** Files in analysis at once (a few more than the pool's threads keeps them busy). */
  concurrency: number;
  /** At most this many files processed per second; unlimited when absent. */
  analysesPerSecond?: number | undefined;
  retry: { maxAttempts: number; baseDelayMs: number };
  pool: AnalysisRunner;
  /** The task the pool's worker gets for one file. */
  task(path: string, content: string): unknown;
  /** Checks what a worker returned (and what a snapshot holds) before the index takes it. */
  isFacts(value: unknown): value is Facts;
  /** Approximate retained size of a file's facts, for the cache's byte bound. */
  factsBytes(facts: Facts): number;
  cache: ResultCache<Facts>;
  index: CrossFileIndex<Facts>;
  /** Called with what changed each time the findings are evaluated and something did. */
  onFindings(diff: FindingsDiff): void;
  clock: Clock;
  log: Logger;
}

/** What a monitor reports in `/health` and `/metrics`. */
export interface MonitorEngineStats {
  filesTracked: number;
  queue: CoalescingQueueStats;
  cache: ResultCacheStats;
  pool: AnalysisPoolStats;
  /** Files analysed in a worker (cache misses). */
  analyses: number;
  /** Files whose size and mtime, or content hash, showed no change: not analysed again. */
  unchanged: number;
  inFlight: number;
  skipped: Record<SkipReason, number>;
  /** Files given up on after repeated analysis failures. */
  failed: FailedFile[];
  /** Last event's time from the watcher to its result in the index, ms. */
  lastEventLatencyMs: number | undefined;
  openFindings: number;
}

/**
 * The pipeline every streaming monitor runs: watch → coalescing bounded queue → analysis in the
 * shared worker pool (results cached per content hash) → the monitor's cross-file index →
 * findings diffed against what was announced. Work is per changed file; files whose size and
 * mtime (then hash) match what is tracked are not analysed again, at start or later.
 *
 * Findings are evaluated when the pipeline is idle (nothing queued or in analysis), so a cold
 * scan announces what the whole tree supports, not the half-read state along the way.
 */
export class MonitorEngine<Facts> {
  private readonly queue: CoalescingQueue;
  private readonly tracked = new Map<string, TrackedFile<Facts>>();
  private readonly skipped = new Map<string, SkipReason>();
  private readonly failures: FailureTracker;
  private readonly ledger = new FindingsLedger();
  private readonly limiter: RateLimiter | undefined;
  private readonly retryTimers = new Map<string, TimerHandle>();
  private readonly running = new Set<Promise<void>>();
  private readonly cancel = new AbortController();
  private watcher: FileWatcher | undefined;
  private pumpTimer: TimerHandle | undefined;
  /** The walk of the roots in progress (at start, or after the queue refused too much). */
  private walking: Promise<void> | undefined;
  private roomWaiters: Array<() => void> = [];
  private idleWaiters: Array<() => void> = [];
  private started = false;
  private stopped = false;
  private dirty = false;
  private analyses = 0;
  private unchanged = 0;
  private lastEventLatencyMs: number | undefined;

  constructor(private readonly options: MonitorEngineOptions<Facts>) {
    this.queue = new CoalescingQueue(options.queue.capacity, options.queue.debounceMs);
    this.failures = new FailureTracker(options.retry.maxAttempts, options.retry.baseDelayMs);
    this.limiter = options.analysesPerSecond === undefined ? undefined : new RateLimiter(options.analysesPerSecond, options.clock.now());
  }

  /**
   * Restores `snapshot` (its files' facts go straight into the index; its findings count as
   * announced), starts watching, then walks the roots: every file present is checked against
   * what is tracked (size and mtime, then hash) and tracked files no longer present are removed.
   * Resolves once the watch is up; the walk goes on behind it, paced by the queue's bound.
   */
  async start(snapshot?: MonitorSnapshot<Facts>): Promise<void> {
    const missing = this.options.roots.filter((root) => !existsSync(root));
    if (missing.length > 0) throw new NonRetryableError(`watch root ${missing.join(", ")} does not exist`, { code: "CONFIG_INVALID" });
    if (snapshot) {
      for (const [path, file] of Object.entries(snapshot.files)) {
        this.tracked.set(path, file);
        this.options.index.set(path, file.facts);
      }
      this.ledger.restore(snapshot.findings);
    }
    // The watcher reports only later changes; the walk below reads what is already there, waiting
    // for room in the queue instead of overflowing it with the whole tree at once.
    this.watcher = await this.options.backend({
      roots: this.options.roots,
      filter: this.options.filter,
      initial: false,
      events: {
        change: (path, change) => this.enqueue(path, change),
        rootRemoved: (root) => this.rootRemoved(root),
        problem: (problem) => this.problem(problem),
      },
    });
    this.started = true;
    this.dirty = true;
    this.walk();
  }

  /** Stops watching, cancels retries and analyses in flight, and waits for them to settle. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    if (this.pumpTimer !== undefined) this.options.clock.clearTimeout(this.pumpTimer);
    for (const timer of this.retryTimers.values()) this.options.clock.clearTimeout(timer);
    this.retryTimers.clear();
    this.cancel.abort();
    for (const wake of [...this.roomWaiters.splice(0), ...this.idleWaiters.splice(0)]) wake();
    await this.watcher?.close();
    await this.walking;
    await Promise.allSettled([...this.running]);
  }

  /** What to persist: every tracked file's facts and the open findings. */
  snapshot(): MonitorSnapshot<Facts> {
    return { version: MONITOR_SNAPSHOT_VERSION, files: Object.fromEntries(this.tracked), findings: this.ledger.open() };
  }

  /** Halves the result cache (the memory watchdog's first response); returns how many entries went. */
  evictCaches(): number {
    return this.options.cache.evictHalf();
  }

  /** The findings announced and not yet resolved. */
  openFindings(): ReturnType<FindingsLedger["open"]> {
    return this.ledger.open();
  }

  /** True when nothing waits, runs, walks or is due for a retry, and the findings are evaluated. */
  idle(): boolean {
    return (
      this.started &&
      !this.walking &&
      !this.dirty &&
      this.queue.stats().depth === 0 &&
      this.running.size === 0 &&
      this.retryTimers.size === 0
    );
  }

  /** Resolves once the pipeline is idle (see {@link MonitorEngine.idle}), or stopped. */
  settled(): Promise<void> {
    if (this.idle() || this.stopped) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  stats(): MonitorEngineStats {
    const skipped: Record<SkipReason, number> = { oversized: 0, binary: 0, unreadable: 0 };
    for (const reason of this.skipped.values()) skipped[reason] += 1;
    return {
      filesTracked: this.tracked.size,
      queue: this.queue.stats(),
      cache: this.options.cache.stats(),
      pool: this.options.pool.stats(),
      analyses: this.analyses,
      unchanged: this.unchanged,
      inFlight: this.running.size,
      skipped,
      failed: this.failures.givenUp(),
      lastEventLatencyMs: this.lastEventLatencyMs,
      openFindings: this.ledger.size,
    };
  }

  /** Whether `path` has facts in the index. */
  tracks(path: string): boolean {
    return this.tracked.has(path);
  }

  /** The files skipped, with why, for `plexus scan` to list. */
  skippedFiles(): Array<{ path: string; reason: SkipReason }> {
    return [...this.skipped].map(([path, reason]) => ({ path, reason }));
  }

  private enqueue(path: string, change: "upsert" | "remove"): void {
    if (this.stopped) return;
    if (change === "remove" && !this.tracked.has(path) && !this.skipped.has(path)) {
      // A backend may report a deleted directory as one event: its tracked files go with it.
      const prefix = path.endsWith(sep) ? path : path + sep;
      for (const tracked of [...this.tracked.keys(), ...this.skipped.keys()])
        if (tracked.startsWith(prefix)) this.enqueue(tracked, "remove");
      return;
    }
    if (!this.queue.push(path, change, this.options.clock.now()) && this.queue.stats().overflowed % 1_000 === 1) {
      this.options.log.warn(
        { overflowed: this.queue.stats().overflowed },
        "monitor queue full; refused paths are re-checked once it drains",
      );
    }
    this.schedule();
  }

  private schedule(): void {
    if (this.stopped || !this.started || this.pumpTimer !== undefined) return;
    const now = this.options.clock.now();
    let delay = this.queue.nextReadyIn(now);
    if (delay === undefined) return this.whenIdle();
    if (this.running.size >= this.options.concurrency) return; // a finishing analysis reschedules
    if (this.limiter) delay = Math.max(delay, this.limiter.waitMs(now));
    this.pumpTimer = this.options.clock.setTimeout(() => {
      this.pumpTimer = undefined;
      this.pump();
    }, delay);
  }

  private pump(): void {
    while (!this.stopped && this.running.size < this.options.concurrency) {
      const now = this.options.clock.now();
      // takeReady stops at the first ready path (usually the head): no walk over the whole queue per file.
      if (this.limiter && this.limiter.waitMs(now) > 0) break;
      const [item] = this.queue.takeReady(now, 1);
      if (!item) break;
      this.limiter?.tryTake(now);
      for (const wake of this.roomWaiters.splice(0)) wake();
      const work = this.process(item).catch((error: unknown) =>
        this.options.log.error({ err: error, path: item.path }, "monitor failed to process a file"),
      );
      this.running.add(work);
      void work.finally(() => {
        this.running.delete(work);
        this.schedule();
      });
    }
    this.schedule();
  }

  private async process(item: ReadyPath): Promise<void> {
    if (item.change === "remove") this.forget(item.path);
    else await this.upsert(item.path);
    this.lastEventLatencyMs = this.options.clock.now() - item.lastEventAt;
  }

  private async upsert(path: string): Promise<void> {
    const known = this.tracked.get(path);
    if (known) {
      const stats = await statSource(path);
      if (!stats) return this.forget(path);
      if (stats.size === known.size && stats.mtimeMs === known.mtimeMs) {
        this.unchanged += 1;
        return;
      }
    }
    const read = await readSource(path, this.options.maxFileBytes);
    if (read.status === "missing") return this.forget(path);
    if (read.status !== "content") {
      this.forget(path);
      this.skipped.set(path, read.status);
      this.dirty = true;
      if (read.status === "unreadable") this.options.log.warn({ path, reason: read.reason }, "monitor cannot read a file; skipped");
      return;
    }
    if (known && known.hash === read.hash) {
      this.tracked.set(path, { ...known, size: read.size, mtimeMs: read.mtimeMs });
      this.unchanged += 1;
      return;
    }
    if (this.failures.isGivenUp(path, read.hash)) return;
    let facts = this.options.cache.get(path, read.hash);
    if (facts === undefined) {
      try {
        facts = await this.analyse(path, read.content);
      } catch (error) {
        return this.failed(path, read.hash, error);
      }
      this.options.cache.set(path, read.hash, facts, this.options.factsBytes(facts));
    }
    if (this.stopped) return;
    this.failures.clear(path);
    this.skipped.delete(path);
    this.tracked.set(path, { size: read.size, mtimeMs: read.mtimeMs, hash: read.hash, facts });
    this.options.index.set(path, facts);
    this.dirty = true;
  }

  private async analyse(path: string, content: string): Promise<Facts> {
    const result = await this.options.pool.run<unknown, unknown>(this.options.task(path, content), this.cancel.signal);
    this.analyses += 1;
    if (!this.options.isFacts(result)) throw new Error("the analysis returned facts of an unexpected shape");
    return result;
  }

  private failed(path: string, hash: string, error: unknown): void {
    if (this.stopped) return;
    const reason = error instanceof Error ? error.message : String(error);
    const decision = this.failures.record(path, hash, reason);
    if (decision.action === "report") {
      this.options.log.warn(
        { path, attempts: decision.attempts, reason },
        "monitor gave up analysing a file; it is retried when it changes",
      );
      return;
    }
    const timer = this.options.clock.setTimeout(() => {
      this.retryTimers.delete(path);
      this.enqueue(path, "upsert");
    }, decision.delayMs);
    this.retryTimers.set(path, timer);
  }

  private forget(path: string): void {
    const wasKnown = this.tracked.delete(path) || this.skipped.delete(path);
    this.options.cache.delete(path);
    this.failures.clear(path);
    if (wasKnown) {
      this.options.index.delete(path);
      this.dirty = true;
    }
  }

  private rootRemoved(root: string): void {
    this.problem({ code: "WATCH_ROOT_MISSING", path: root, message: "the watch root was deleted; its files are forgotten" });
    const prefix = root + sep;
    for (const path of [...this.tracked.keys(), ...this.skipped.keys()]) if (path.startsWith(prefix)) this.forget(path);
    this.schedule();
  }

  private problem(problem: WatchProblem): void {
    this.options.log.warn({ code: problem.code, path: problem.path }, problem.message);
  }

  /** Runs when nothing is ready: re-checks what a full queue refused, then evaluates findings. */
  private whenIdle(): void {
    if (this.running.size > 0 || this.walking) return;
    const refused = this.queue.takeOverflowed();
    if (refused.rescanAll) return this.walk();
    if (refused.paths.length > 0) {
      for (const path of refused.paths) this.enqueue(path, "upsert");
      return;
    }
    if (this.dirty) {
      this.dirty = false;
      const diff = this.ledger.reconcile(this.options.index.findings());
      if (diff.raised.length > 0 || diff.resolved.length > 0) this.options.onFindings(diff);
    }
    if (this.idle()) for (const wake of this.idleWaiters.splice(0)) wake();
  }

  /** Starts a walk of every root unless one is running. */
  private walk(): void {
    if (this.walking || this.stopped) return;
    this.walking = this.walkRoots()
      .catch((error: unknown) => this.options.log.error({ err: error }, "monitor failed to walk its roots"))
      .finally(() => {
        this.walking = undefined;
        this.schedule();
      });
  }

  /**
   * Queues every file under the roots that is new or changed, and removes tracked files that are
   * gone. Tracked files are checked here, {@link WALK_STAT_BATCH} stats at once, and only those
   * whose size or mtime changed are queued: a warm start costs a stat per unchanged file, not a
   * trip through the queue each.
   */
  private async walkRoots(): Promise<void> {
    const seen = new Set<string>();
    let batch: string[] = [];
    const flush = async (): Promise<boolean> => {
      const paths = batch;
      batch = [];
      const stats = await Promise.all(paths.map((path) => (this.tracked.has(path) ? statSource(path) : undefined)));
      for (const [at, path] of paths.entries()) {
        const known = this.tracked.get(path);
        const stat = stats[at];
        if (known && stat && stat.size === known.size && stat.mtimeMs === known.mtimeMs) {
          this.unchanged += 1;
          continue;
        }
        while (!this.stopped && this.queue.stats().depth >= this.options.queue.capacity)
          await new Promise<void>((resolve) => this.roomWaiters.push(resolve));
        if (this.stopped) return false;
        this.enqueue(path, "upsert");
      }
      return !this.stopped;
    };
    for (const root of this.options.roots) {
      for await (const path of walkTree(root, this.options.filter, (problem) => this.problem(problem))) {
        if (this.stopped) return;
        seen.add(path);
        batch.push(path);
        if (batch.length >= WALK_STAT_BATCH && !(await flush())) return;
      }
    }
    if (!(await flush())) return;
    for (const path of [...this.tracked.keys(), ...this.skipped.keys()]) if (!seen.has(path)) this.enqueue(path, "remove");
  }
}
