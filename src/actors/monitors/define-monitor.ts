import { resolve } from "node:path";
import { parseDuration } from "../../common/durations.js";
import type { ActorContext } from "../../runtime/actor-context.js";
import { defineActor, type OptionsSchema, type StartActorDefinition } from "../../runtime/define-actor.js";
import type { CrossFileIndex } from "./cross-file-index.js";
import type { Finding } from "./finding.js";
import { MONITOR_OPTION_PROPERTIES, type MonitorOptions } from "./monitor-options.js";

/** What makes one streaming monitor; the framework supplies everything else. */
export interface MonitorSpec<Facts, Extra = Record<string, unknown>> {
  /** The config's `kind:`, e.g. `integration-monitor`. */
  kind: string;
  description: string;
  /** Schema properties of the monitor's own options, beside the shared ones (`MONITOR_OPTION_PROPERTIES`). */
  options?: Record<string, OptionsSchema>;
  /** Files analysed when the config gives no `include`. */
  include: readonly string[];
  /**
   * The worker module: a name under `analysis/` without extension (e.g. `integration/worker`), or
   * a module of its own (a file URL, with the Node options its worker threads need).
   */
  worker: string | { filename: string; execArgv?: string[] };
  /** The task the worker gets for one file. */
  task(path: string, content: string, options: MonitorOptions & Extra): unknown;
  isFacts(value: unknown): value is Facts;
  /** Approximate retained size of a file's facts, for the cache's byte bound. */
  factsBytes(facts: Facts): number;
  createIndex(options: MonitorOptions & Extra): CrossFileIndex<Facts>;
  /** What the options schema cannot say (e.g. names that must exist): a problem stops the start before anything is acquired. */
  check?(options: MonitorOptions & Extra): string | undefined;
  /** Topics new findings and resolutions are published on. */
  topics: { question: string; resolved: string };
}

/** What is published on a monitor's question topic. */
export interface QuestionMessage extends Finding {
  /** The monitor's child id. */
  monitor: string;
}

/** What is published on a monitor's resolved topic. */
export interface ResolvedMessage {
  id: string;
  kind: string;
  subject: string;
  monitor: string;
}

const MEMORY_CHECK_MS = 5_000;

/**
 * Builds the actor kind of a streaming monitor: options (the shared ones plus the monitor's),
 * the engine on the shared analysis pool, its snapshot (loaded and validated at start, saved
 * every `snapshotEvery` and on stop), questions and resolutions on the bus, its status in
 * `/health`, its metrics, and the memory watchdog.
 */
export function defineMonitor<Facts, Extra = Record<string, unknown>>(
  spec: MonitorSpec<Facts, Extra>,
): StartActorDefinition<MonitorOptions & Extra> {
  const schema = {
    type: "object",
    additionalProperties: false,
    required: ["watch"],
    properties: { ...MONITOR_OPTION_PROPERTIES, ...spec.options },
  } as const;
  const definition = defineActor({
    kind: spec.kind,
    description: spec.description,
    options: schema as OptionsSchema,
    start: (ctx) => startMonitor(spec, ctx as unknown as ActorContext<MonitorOptions & Extra>),
  });
  return definition as unknown as StartActorDefinition<MonitorOptions & Extra>;
}

async function startMonitor<Facts, Extra>(
  spec: MonitorSpec<Facts, Extra>,
  ctx: ActorContext<MonitorOptions & Extra>,
): Promise<() => Promise<void>> {
  // Loaded on start, so that registering a monitor kind loads neither Piscina nor lru-cache nor a watcher.
  const [
    { AnalysisPool },
    { analysisWorker },
    { decideMemoryAction },
    { MonitorEngine },
    { monitorMetrics },
    { readMonitorSnapshot },
    { ResultCache },
    { watchWithChokidar },
    { watchWithParcel },
    { createPathFilter, DEFAULT_EXCLUDES },
  ] = await Promise.all([
    import("./analysis-pool.js"),
    import("./analysis-worker.js"),
    import("./memory-watchdog.js"),
    import("./monitor-engine.js"),
    import("./monitor-metrics.js"),
    import("./monitor-snapshot.js"),
    import("./result-cache.js"),
    import("./watch/chokidar.js"),
    import("./watch/parcel.js"),
    import("./watch/path-filter.js"),
  ]);
  const options = ctx.options;
  const problem = spec.check?.(options);
  if (problem !== undefined) throw new Error(`${spec.kind} options: ${problem}`);
  const roots = (Array.isArray(options.watch) ? options.watch : [options.watch]).map((root) => resolve(root));
  const exclude = options.exclude ?? DEFAULT_EXCLUDES;
  const worker = typeof spec.worker === "string" ? analysisWorker(spec.worker) : spec.worker;
  const pool = AnalysisPool.acquire({
    ...worker,
    threads: options.workers,
    maxQueue: options.queue,
    taskTimeoutMs: parseDuration(options.taskTimeout, "taskTimeout"),
  });
  const index = spec.createIndex(options);
  const engine = new MonitorEngine<Facts>({
    roots,
    filter: createPathFilter({ include: options.include ?? spec.include, exclude }),
    backend: options.watcher === "parcel" ? (request) => watchWithParcel(request, exclude) : watchWithChokidar,
    queue: { capacity: options.queue, debounceMs: parseDuration(options.debounce, "debounce") },
    maxFileBytes: options.maxFileBytes,
    concurrency: options.workers * 2,
    analysesPerSecond: options.analysesPerSecond,
    retry: { maxAttempts: options.retries, baseDelayMs: 1_000 },
    pool,
    task: (path, content) => spec.task(path, content, options),
    isFacts: (value): value is Facts => spec.isFacts(value),
    factsBytes: (facts) => spec.factsBytes(facts),
    cache: new ResultCache<Facts>({ entries: options.cache.files, bytes: options.cache.bytes }),
    index,
    onFindings: (diff) => {
      for (const finding of diff.raised) void publish(ctx, spec.topics.question, { ...finding, monitor: ctx.id } satisfies QuestionMessage);
      for (const finding of diff.resolved) {
        const resolved: ResolvedMessage = { id: finding.id, kind: finding.kind, subject: finding.subject, monitor: ctx.id };
        void publish(ctx, spec.topics.resolved, resolved);
      }
    },
    clock: ctx.clock,
    log: ctx.log,
  });

  const saved = readMonitorSnapshot(await ctx.state.load(), (value): value is Facts => spec.isFacts(value));
  if ("problem" in saved && saved.problem !== "no snapshot")
    ctx.log.warn({ problem: saved.problem }, "monitor snapshot unusable; starting cold");
  try {
    await engine.start("snapshot" in saved ? saved.snapshot : undefined);
  } catch (error) {
    await engine.stop();
    await pool.release();
    throw error;
  }
  ctx.log.info({ roots, watcher: options.watcher, warm: "snapshot" in saved }, "monitor watching");

  const save = async (): Promise<void> => {
    try {
      await ctx.state.save(engine.snapshot());
    } catch (error) {
      ctx.log.warn({ err: error }, "monitor snapshot not saved");
    }
  };
  const snapshotTimer = ctx.clock.setInterval(() => void save(), parseDuration(options.snapshotEvery, "snapshotEvery"));
  let evictedSinceSoft = false;
  const memoryTimer = ctx.clock.setInterval(() => {
    const rss = process.memoryUsage.rss();
    const action = decideMemoryAction(
      rss,
      { softBytes: options.memory.softMb * 2 ** 20, hardBytes: options.memory.hardMb * 2 ** 20 },
      evictedSinceSoft,
    );
    if (action === "evict-half") {
      evictedSinceSoft = true;
      ctx.log.warn(
        { rssMb: Math.round(rss / 2 ** 20), evicted: engine.evictCaches() },
        "monitor above its soft memory limit; evicted half its cache",
      );
    } else if (action === "fail") {
      ctx.fail(
        new Error(
          `RSS ${Math.round(rss / 2 ** 20)} MB is above memory.hardMb (${options.memory.hardMb}); restarting from the last snapshot`,
        ),
      );
    } else if (rss < options.memory.softMb * 2 ** 20) evictedSinceSoft = false;
  }, MEMORY_CHECK_MS);
  const removeStatus = ctx.ops.status(() => {
    const stats = engine.stats();
    return { ...stats, failed: stats.failed.length, roots, ...index.stats?.() };
  });
  const stopMetrics = monitorMetrics(ctx.metrics, ctx.id, () => engine.stats(), ctx.clock);

  return async () => {
    ctx.clock.clearInterval(snapshotTimer);
    ctx.clock.clearInterval(memoryTimer);
    removeStatus();
    stopMetrics();
    await engine.stop();
    await save();
    await pool.release();
  };
}

async function publish(ctx: ActorContext<unknown>, topic: string, payload: unknown): Promise<void> {
  try {
    await ctx.bus.publish(topic, payload);
  } catch (error) {
    ctx.log.error({ err: error, topic, payload }, "monitor could not publish a finding");
  }
}
