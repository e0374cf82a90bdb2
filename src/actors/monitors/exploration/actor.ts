import { parseDuration } from "../../../common/durations.js";
import { NonRetryableError } from "../../../common/errors.js";
import type { ActorContext } from "../../../runtime/actor-context.js";
import { defineActor } from "../../../runtime/define-actor.js";
import type { QuestionMessage, ResolvedMessage } from "../define-monitor.js";
import type { Finding } from "../finding.js";
import { FindingsLedger } from "../findings-ledger.js";
import { explorationOptionsSchema, type ExplorationOptions } from "./exploration-options.js";
import type { HostSample, HostSampler } from "./host-sample.js";
import { decideOpportunities } from "./opportunities.js";

/** Topics the exploration monitor publishes on. */
export const EXPLORATION_TOPICS = { question: "curiosity.exploration_question", resolved: "curiosity.exploration_resolved" } as const;

const MIN_EVERY_MS = 1_000;

/** What the monitor keeps in `ctx.state`: the questions it announced and has not resolved. */
interface ExplorationState {
  version: 1;
  open: Finding[];
}

/**
 * The `exploration-monitor` kind, sampling the host with `sampler` (default: the real host,
 * loaded on start so that registering the kind loads nothing). Tests pass a fake sampler and a
 * simulated clock.
 */
export function defineExplorationMonitor(sampler?: HostSampler) {
  return defineActor({
    kind: "exploration-monitor",
    description: "samples the host (CPU flags, cores, memory, load, GPUs) on a timer and asks about unused capacity",
    options: explorationOptionsSchema,
    async start(ctx) {
      const sample =
        sampler ?? (await import("./sample-host.js")).hostSampler({ gpuTimeoutMs: parseDuration(ctx.options.gpuTimeout, "gpuTimeout") });
      return startExploration(ctx, sample);
    },
  });
}

/**
 * Samples the host every `every` (and once at start), decides the opportunities from the last
 * `window` samples, and publishes what changed. Each finding is announced once: the ledger is
 * saved whenever it changes, so a restart resumes without announcing again.
 */
export const explorationMonitorActor = defineExplorationMonitor();

async function startExploration(ctx: ActorContext<ExplorationOptions>, sampler: HostSampler): Promise<() => Promise<void>> {
  const options = ctx.options;
  const everyMs = parseDuration(options.every, "every");
  // Each tick may spawn nvidia-smi: a sub-second period is a typo, not a wish.
  if (everyMs < MIN_EVERY_MS)
    throw new NonRetryableError(`exploration-monitor every: ${JSON.stringify(options.every)} is below 1s; sample at most once a second`, {
      code: "CONFIG_INVALID",
    });
  const ledger = new FindingsLedger();
  ledger.restore(readState(await ctx.state.load()));
  const samples: HostSample[] = [];
  const counts = { ticks: 0, skipped: 0, sampleErrors: 0, raised: 0, resolved: 0 };
  let lastError: string | undefined;
  let reportedGpuProblem: string | undefined;
  let inFlight: Promise<void> | undefined;

  const tick = async (): Promise<void> => {
    let sample: HostSample;
    try {
      sample = await sampler(ctx.clock.now());
    } catch (error) {
      counts.sampleErrors++;
      lastError = error instanceof Error ? error.message : String(error);
      ctx.log.warn({ err: error }, "exploration monitor could not sample the host; trying again next tick");
      return;
    }
    // The same failure every tick would fill the log; say it once until it changes or clears.
    if (sample.gpuProblem !== reportedGpuProblem && sample.gpuProblem !== undefined)
      ctx.log.warn({ problem: sample.gpuProblem }, "GPU query failed; GPU opportunities are not decided while it fails");
    reportedGpuProblem = sample.gpuProblem;
    samples.push(sample);
    if (samples.length > options.window) samples.shift();
    const open = new Set(ledger.open().map((finding) => finding.id));
    const diff = ledger.reconcile(decideOpportunities(samples, options, open));
    for (const finding of diff.raised)
      await publish(ctx, EXPLORATION_TOPICS.question, { ...finding, monitor: ctx.id } satisfies QuestionMessage);
    for (const finding of diff.resolved) {
      const resolved: ResolvedMessage = { id: finding.id, kind: finding.kind, subject: finding.subject, monitor: ctx.id };
      await publish(ctx, EXPLORATION_TOPICS.resolved, resolved);
    }
    counts.raised += diff.raised.length;
    counts.resolved += diff.resolved.length;
    if (diff.raised.length + diff.resolved.length > 0) await save();
    counts.ticks++;
  };
  const runTick = () => {
    // A slow sample (nvidia-smi near its timeout) must not pile up ticks behind it.
    if (inFlight !== undefined) {
      counts.skipped++;
      return;
    }
    inFlight = tick().finally(() => (inFlight = undefined));
  };
  let unsaved = false;
  const save = async (): Promise<void> => {
    try {
      await ctx.state.save({ version: 1, open: ledger.open() } satisfies ExplorationState);
      unsaved = false;
    } catch (error) {
      unsaved = true;
      ctx.log.warn({ err: error }, "exploration monitor state not saved; trying again on the next change or on stop");
    }
  };

  const removeStatus = ctx.ops.status(() => {
    const latest = samples.at(-1);
    return {
      ...counts,
      openFindings: ledger.size,
      ...(latest === undefined
        ? {}
        : {
            cpu: latest.cpu,
            memory: latest.memory,
            load: latest.load,
            gpus: latest.gpus.length,
            ...(latest.gpuProblem === undefined ? {} : { gpuProblem: latest.gpuProblem }),
          }),
      ...(lastError === undefined ? {} : { lastError }),
    };
  });
  const timer = ctx.clock.setInterval(runTick, everyMs);
  runTick();
  ctx.log.info({ every: options.every, workloads: options.workloads.length, open: ledger.size }, "exploration monitor sampling");

  return async () => {
    ctx.clock.clearInterval(timer);
    removeStatus();
    await inFlight;
    // Saved on every change already; only a save that failed is left to do.
    if (unsaved) await save();
  };
}

/** The open findings of a saved state; anything else (first start, older shape) starts empty. */
function readState(value: unknown): Finding[] {
  const state = value as Partial<ExplorationState> | undefined;
  if (state?.version !== 1 || !Array.isArray(state.open)) return [];
  return state.open.filter((finding): finding is Finding => typeof (finding as Partial<Finding> | null)?.id === "string");
}

async function publish(ctx: ActorContext<unknown>, topic: string, payload: unknown): Promise<void> {
  try {
    await ctx.bus.publish(topic, payload);
  } catch (error) {
    ctx.log.error({ err: error, topic, payload }, "exploration monitor could not publish");
  }
}
