import { parseDuration } from "../../common/durations.js";
import type { ActorContext } from "../../runtime/actor-context.js";
import { defineActor, type OptionsSchema, type StartActorDefinition } from "../../runtime/define-actor.js";
import type { Finding } from "./finding.js";
import { MONITOR_OPTION_PROPERTIES, type MonitorOptions } from "./monitor-options.js";
import type { MonitorSpec } from "./monitor-spec.js";

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
export function defineMonitor<Facts, Extra = unknown>(spec: MonitorSpec<Facts, Extra>): StartActorDefinition<MonitorOptions & Extra> {
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
  // The spec rides along so that `plexus scan` runs exactly this monitor's analysis.
  return Object.assign(definition, { monitorSpec: spec }) as unknown as MonitorKind<MonitorOptions & Extra>;
}

/** The actor kind of a monitor, carrying the spec it was built from. */
export type MonitorKind<O = MonitorOptions> = StartActorDefinition<O> & {
  readonly monitorSpec: MonitorSpec<unknown, never>;
};

/** Whether an actor kind was built with {@link defineMonitor} (and can run as `plexus scan`). */
export function isMonitorKind(definition: { kind: string }): definition is MonitorKind {
  return typeof (definition as { monitorSpec?: unknown }).monitorSpec === "object";
}

async function startMonitor<Facts, Extra>(
  spec: MonitorSpec<Facts, Extra>,
  ctx: ActorContext<MonitorOptions & Extra>,
): Promise<() => Promise<void>> {
  // Loaded on start, so that registering a monitor kind loads neither Piscina nor lru-cache nor a watcher.
  const [{ buildMonitorEngine }, { decideMemoryAction }, { monitorMetrics }, { readMonitorSnapshot }] = await Promise.all([
    import("./build-engine.js"),
    import("./memory-watchdog.js"),
    import("./monitor-metrics.js"),
    import("./monitor-snapshot.js"),
  ]);
  const options = ctx.options;
  const { engine, pool, roots, index } = buildMonitorEngine(spec, options, {
    watch: true,
    clock: ctx.clock,
    log: ctx.log,
    onFindings: (diff) => {
      for (const finding of diff.raised) void publish(ctx, spec.topics.question, { ...finding, monitor: ctx.id } satisfies QuestionMessage);
      for (const finding of diff.resolved) {
        const resolved: ResolvedMessage = { id: finding.id, kind: finding.kind, subject: finding.subject, monitor: ctx.id };
        void publish(ctx, spec.topics.resolved, resolved);
      }
    },
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
