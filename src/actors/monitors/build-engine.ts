import { resolve } from "node:path";
import type { Clock } from "../../common/clock.js";
import { parseDuration } from "../../common/durations.js";
import { NonRetryableError } from "../../common/errors.js";
import type { Logger } from "../../common/logger.js";
import { AnalysisPool, inProcessRunner, type AnalysisRunner } from "./analysis-pool.js";
import type { CrossFileIndex } from "./cross-file-index.js";
import { analysisWorker } from "./analysis-worker.js";
import type { FindingsDiff } from "./findings-ledger.js";
import { MonitorEngine } from "./monitor-engine.js";
import type { MonitorOptions } from "./monitor-options.js";
import type { MonitorSpec } from "./monitor-spec.js";
import { ResultCache } from "./result-cache.js";
import { watchWithChokidar } from "./watch/chokidar.js";
import type { WatchBackend } from "./watch/file-watcher.js";
import { watchWithParcel } from "./watch/parcel.js";
import { createPathFilter, DEFAULT_EXCLUDES } from "./watch/path-filter.js";

/** Where an engine runs: a watching monitor actor, or a one-shot scan. */
export interface EngineContext {
  /** False for a one-shot scan: the roots are walked once and nothing is watched. */
  watch: boolean;
  clock: Clock;
  log: Logger;
  onFindings(diff: FindingsDiff): void;
  /** Runs the analysis on this thread, without the pool (see {@link inProcessRunner}): the benchmark's one-thread baseline. */
  inProcess?: boolean;
}

/** Delay before the first retry of a failed analysis; each later retry waits twice as long. */
const RETRY_BASE_DELAY_MS = 1_000;

/** A backend that watches nothing: a scan only walks the roots. */
const noWatching: WatchBackend = () => Promise.resolve({ close: () => Promise.resolve() });

/**
 * Builds a monitor's engine from its spec and options (defaults applied), on the shared analysis
 * pool (the caller releases it); options the spec's `check` refuses throw a non-retryable
 * `CONFIG_INVALID` before anything is acquired. The monitor actor and `plexus scan` both use it, so a scan runs
 * exactly the analysis a monitor runs.
 */
export function buildMonitorEngine<Facts, Extra>(
  spec: MonitorSpec<Facts, Extra>,
  options: MonitorOptions & Extra,
  context: EngineContext,
): { engine: MonitorEngine<Facts>; pool: AnalysisRunner; roots: string[]; index: CrossFileIndex<Facts> } {
  const problem = spec.check?.(options);
  if (problem !== undefined) throw new NonRetryableError(`${spec.kind} options: ${problem}`, { code: "CONFIG_INVALID" });
  const roots = (Array.isArray(options.watch) ? options.watch : [options.watch]).map((root) => resolve(root));
  const exclude = options.exclude ?? DEFAULT_EXCLUDES;
  const worker = typeof spec.worker === "string" ? analysisWorker(spec.worker) : spec.worker;
  const pool = context.inProcess
    ? inProcessRunner(worker.filename)
    : AnalysisPool.acquire({
        ...worker,
        threads: options.workers,
        maxQueue: options.queue,
        taskTimeoutMs: parseDuration(options.taskTimeout, "taskTimeout"),
      });
  const backend = !context.watch
    ? noWatching
    : options.watcher === "parcel"
      ? (request: Parameters<WatchBackend>[0]) => watchWithParcel(request, exclude)
      : watchWithChokidar;
  const index = spec.createIndex(options);
  const engine = new MonitorEngine<Facts>({
    roots,
    filter: createPathFilter({ include: options.include ?? spec.include, exclude }),
    backend,
    queue: { capacity: options.queue, debounceMs: context.watch ? parseDuration(options.debounce, "debounce") : 0 },
    maxFileBytes: options.maxFileBytes,
    concurrency: options.workers * 2,
    analysesPerSecond: options.analysesPerSecond,
    // A scan reads each file once: retrying a deterministic parse failure later changes nothing.
    retry: { maxAttempts: options.retries, baseDelayMs: context.watch ? RETRY_BASE_DELAY_MS : 0 },
    pool,
    task: (path, content) => spec.task(path, content, options),
    isFacts: (value): value is Facts => spec.isFacts(value),
    factsBytes: (facts) => spec.factsBytes(facts),
    cache: new ResultCache<Facts>({ entries: options.cache.files, bytes: options.cache.bytes }),
    index,
    onFindings: (diff) => context.onFindings(diff),
    clock: context.clock,
    log: context.log,
  });
  return { engine, pool, roots, index };
}
