import { join, resolve } from "node:path";
import { ConfigError } from "../../common/config-error.js";
import { ThrottledLog } from "../../common/throttled-log.js";
import type { ActorContext } from "../../runtime/actor-context.js";
import { defineActor, type OptionsFromSchema } from "../../runtime/define-actor.js";
import { snapshotFileName } from "../../runtime/state-store.js";
import { validatePattern, validateTopic } from "../../transports/topics.js";
import type { CommandOutcome } from "./decide-command.js";
import type { EventLog } from "./event-log.js";
import { FileEventLog } from "./file-event-log.js";
import type { LifecycleAck } from "./lifecycle-ack.js";
import { LifecycleController } from "./lifecycle-controller.js";
import { readCommand } from "./lifecycle-command.js";
import { loadLifecycleFile, parseLifecycle, SEED_LIFECYCLE_FILE, type LifecycleDefinition } from "./lifecycle-definition.js";
import { LifecycleRules } from "./lifecycle-rules.js";
import { RedisEventLog } from "./redis-event-log.js";

/** Options of the `lifecycle-controller` kind; each `default` is the one source of that default. */
export const lifecycleControllerOptionsSchema = {
  type: "object",
  additionalProperties: false,
  properties: {
    lifecycleFile: {
      type: "string",
      minLength: 1,
      description:
        "A lifecycle file (YAML or JSON: name, initial, states, terminal, operations, transitions, administrative); relative to the working directory. Without it and without `lifecycle`, the shipped seed lifecycle.",
    },
    lifecycle: { type: "object", description: "The lifecycle written inline, in the same form as a lifecycle file." },
    topics: {
      type: "object",
      additionalProperties: false,
      default: {},
      properties: {
        commands: { type: "string", minLength: 1, default: "kasmina.control.lifecycle.transition", description: "Commands are read here." },
        acks: {
          type: "string",
          minLength: 1,
          default: "kasmina.control.lifecycle.ack",
          description: "One ack per command (and per repeat) is published here.",
        },
        events: {
          type: "string",
          minLength: 1,
          default: "kasmina.events.seed",
          description: "Prefix of the event of each accepted transition: `<events>.<target state lower-cased>`.",
        },
        replay: {
          type: "string",
          minLength: 1,
          default: "kasmina.events.replay",
          description: "Requests `{ fromSeq, limit? }` are answered with a page of the event log.",
        },
      },
    },
    dedupeWindow: {
      type: "integer",
      minimum: 1,
      default: 100000,
      description: "Acks remembered (by commandId) so a repeat gets the original ack; the oldest is forgotten first (counted).",
    },
    queueCapacity: {
      type: "integer",
      minimum: 1,
      default: 1000,
      description: "Normal commands waiting to be judged; beyond it a command is acked as rejected (queue full, counted and logged).",
    },
    emergencyQueueCapacity: {
      type: "integer",
      minimum: 1,
      default: 100,
      description: "Emergency commands waiting; they are judged before every waiting normal command.",
    },
    maxBatch: {
      type: "integer",
      minimum: 1,
      default: 256,
      description: "Commands judged together and appended to the event log with one write.",
    },
    snapshotEvery: {
      type: "integer",
      minimum: 1,
      default: 1000,
      description: "Transitions between snapshots of the entity states (ctx.state); a restart re-reads the event log after the last one.",
    },
    path: {
      type: "string",
      pattern: "^/",
      default: "/events",
      description: "Ops server path answering `?fromSeq=N&limit=M` with a page of the event log (read by `plexus replay`).",
    },
    replayPageSize: { type: "integer", minimum: 1, maximum: 10000, default: 1000, description: "Most events one replay request answers." },
    eventLog: {
      type: "object",
      additionalProperties: false,
      default: {},
      properties: {
        backend: {
          enum: ["auto", "file", "redis"],
          default: "auto",
          description:
            "`auto`: a Redis stream when the runtime's transport is redis, else an fsync'd append-only file under runtime.stateDir.",
        },
        file: { type: "string", minLength: 1, description: "The log file (backend file); default `<stateDir>/<actor path>.events.jsonl`." },
        url: { type: "string", minLength: 1, description: "Redis of the log (backend redis); default the transport's url." },
        key: {
          type: "string",
          minLength: 1,
          description: "Stream key (backend redis); default `<transport prefix>:control:<actor path>:events`.",
        },
      },
    },
  },
} as const;

/** The options a lifecycle controller gets (defaults applied). */
export type LifecycleControllerOptions = OptionsFromSchema<typeof lifecycleControllerOptionsSchema>;

/** What `bus.request(<replay topic>, …)` answers. */
export interface ReplayPage {
  events: import("./lifecycle-ack.js").LoggedTransition[];
  /** Ask from here for the next page; equal to `lastSeq + 1` when the page reached the end. */
  nextSeq: number;
  /** The log's last seq when the page was read. */
  lastSeq: number;
}

/**
 * Moves entities through a lifecycle (the seed lifecycle unless told otherwise) on command:
 * commands on `kasmina.control.lifecycle.transition` are judged against the entity's state, acked
 * on `kasmina.control.lifecycle.ack`, deduplicated by commandId, and every accepted transition is
 * logged with a sequence number and announced on `kasmina.events.seed.<state>`. See the README's
 * "Control plane" for the guarantees.
 */
export const lifecycleControllerActor = defineActor({
  kind: "lifecycle-controller",
  description: "judges lifecycle commands (kasmina.control.lifecycle.transition), acks them, logs and replays accepted transitions",
  options: lifecycleControllerOptionsSchema,
  async start(ctx) {
    return startLifecycleController(ctx);
  },
});

async function startLifecycleController(ctx: ActorContext<LifecycleControllerOptions>): Promise<() => Promise<void>> {
  const options = ctx.options;
  const rules = new LifecycleRules(await loadDefinition(ctx));
  const topics = options.topics as Required<typeof options.topics>;
  validateTopic(topics.commands);
  validateTopic(topics.acks);
  validatePattern(`${topics.events}.>`);
  validateTopic(topics.replay);
  const eventTopics = new Map(rules.definition.states.map((state) => [state, `${topics.events}.${state.toLowerCase()}`]));

  const publish = async (outcome: CommandOutcome): Promise<void> => {
    const event =
      outcome.kind === "accepted" ? ctx.bus.publish(eventTopics.get(outcome.transition.to) as string, outcome.transition) : undefined;
    await Promise.all([event, ctx.bus.publish(topics.acks, outcome.ack)]);
  };
  const controller = new LifecycleController({
    rules,
    eventLog: await openEventLog(ctx),
    dedupeWindow: options.dedupeWindow,
    queueCapacity: options.queueCapacity,
    emergencyQueueCapacity: options.emergencyQueueCapacity,
    maxBatch: options.maxBatch,
    snapshotEvery: options.snapshotEvery,
    clock: ctx.clock,
    log: ctx.log,
    state: ctx.state,
    publish,
    onFatal: (error) => ctx.fail(error),
  });
  const restored = await controller.restore();
  let invalid = 0;
  const throttled = new ThrottledLog(ctx.log, 10_000);

  await ctx.bus.subscribe(
    topics.commands,
    async (envelope): Promise<LifecycleAck | undefined> => {
      const read = readCommand(envelope.payload);
      if (read.command !== undefined) return controller.submit(read.command);
      invalid++;
      throttled.warn(
        "invalid",
        { topic: envelope.topic, source: envelope.source, reason: read.error, invalid },
        "lifecycle controller got an invalid command",
      );
      if (read.commandId === undefined || read.entityId === undefined) return undefined;
      const state = controller.entities.of(read.entityId);
      const ack: LifecycleAck = {
        commandId: read.commandId,
        entityId: read.entityId,
        accepted: false,
        from: state,
        to: state,
        reason: read.error,
      };
      await ctx.bus.publish(topics.acks, ack);
      return ack;
    },
    // Each command's handler stays open until its ack is published, so the transport acknowledges
    // a command only once it is judged and logged: the lanes hold what the bus hands over.
    { concurrency: options.queueCapacity + options.emergencyQueueCapacity },
  );
  await ctx.bus.subscribe(
    topics.replay,
    (envelope): Promise<ReplayPage> => {
      const { fromSeq, limit } = (envelope.payload ?? {}) as { fromSeq?: unknown; limit?: unknown };
      if (!Number.isSafeInteger(fromSeq) || (fromSeq as number) < 0)
        throw new Error(`fromSeq must be an integer ≥ 0, got ${JSON.stringify(fromSeq)}`);
      if (limit !== undefined && (!Number.isSafeInteger(limit) || (limit as number) < 1))
        throw new Error(`limit must be a positive integer, got ${JSON.stringify(limit)}`);
      return controller.replay(
        fromSeq as number,
        Math.min((limit as number | undefined) ?? options.replayPageSize, options.replayPageSize),
      );
    },
    { concurrency: 4 },
  );
  const unmount = ctx.ops.route("GET", options.path, async (request) => {
    const fromSeq = Number(request.query.fromSeq ?? "1");
    const limit = Number(request.query.limit ?? options.replayPageSize);
    if (!Number.isSafeInteger(fromSeq) || fromSeq < 0 || !Number.isSafeInteger(limit) || limit < 1)
      return { status: 400, body: { error: "fromSeq must be an integer ≥ 0 and limit a positive integer" } };
    return { body: await controller.replay(fromSeq, Math.min(limit, options.replayPageSize)) };
  });
  const removeStatus = ctx.ops.status(() => ({
    lifecycle: rules.definition.name,
    lastSeq: controller.lastSeq,
    entities: controller.entities.size,
    byState: controller.entities.countByState(),
    queued: controller.queued,
    dedupe: { size: controller.window.size, capacity: controller.window.capacity, evicted: controller.window.evicted },
    ...controller.counts,
    invalid,
    recentAcks: controller.recentAcks(),
  }));
  ctx.log.info(
    {
      lifecycle: rules.definition.name,
      lastSeq: controller.lastSeq,
      entities: controller.entities.size,
      ...restored,
      commands: topics.commands,
    },
    "lifecycle controller ready",
  );
  return async () => {
    unmount();
    removeStatus();
    await controller.stop();
  };
}

async function loadDefinition(ctx: ActorContext<LifecycleControllerOptions>): Promise<LifecycleDefinition> {
  const { lifecycle, lifecycleFile } = ctx.options;
  if (lifecycle !== undefined && lifecycleFile !== undefined)
    throw new ConfigError([{ path: `${ctx.path}.options`, message: "give lifecycleFile or lifecycle, not both" }], undefined, {
      caller: "lifecycle-controller",
    });
  if (lifecycle !== undefined) return parseLifecycle(lifecycle, `${ctx.path} options.lifecycle`);
  return loadLifecycleFile(lifecycleFile === undefined ? SEED_LIFECYCLE_FILE : resolve(lifecycleFile));
}

function openEventLog(ctx: ActorContext<LifecycleControllerOptions>): Promise<EventLog> | EventLog {
  const { backend, file, url, key } = ctx.options.eventLog as {
    backend: "auto" | "file" | "redis";
    file?: string;
    url?: string;
    key?: string;
  };
  const transport = ctx.storage?.transport;
  const useRedis = backend === "redis" || (backend === "auto" && transport?.kind === "redis");
  if (useRedis) {
    const redisUrl = url ?? transport?.url;
    if (redisUrl === undefined)
      throw new ConfigError(
        [{ path: "options.eventLog.url", message: "the redis event log needs a url when the transport is not redis" }],
        undefined,
        {
          caller: `lifecycle-controller ${ctx.path}`,
        },
      );
    return new RedisEventLog(redisUrl, key ?? `${transport?.prefix ?? "plexus"}:control:${ctx.path}:events`, ctx.log);
  }
  const stateDir = ctx.storage?.stateDir;
  if (file === undefined && stateDir === undefined)
    throw new ConfigError(
      [{ path: "options.eventLog.file", message: "give the event log file: this context has no state directory" }],
      undefined,
      {
        caller: `lifecycle-controller ${ctx.path}`,
      },
    );
  return new FileEventLog(file ?? join(stateDir as string, snapshotFileName(ctx.path).replace(/\.json$/, ".events.jsonl")), ctx.log);
}
