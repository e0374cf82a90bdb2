import { ThrottledLog } from "../../common/throttled-log.js";
import { coalescingSaver } from "../../runtime/coalescing-saver.js";
import type { ActorContext } from "../../runtime/actor-context.js";
import { defineActor, type OptionsFromSchema } from "../../runtime/define-actor.js";
import type { Envelope } from "../../transports/envelope.js";
import { QuestionQueue } from "./question-queue.js";
import { parseQuestionsQuery } from "./questions-query.js";
import { isQueuedQuestion, readQuestion, type QueuedQuestion } from "./queued-question.js";

/** Options of the `curiosity` kind; each `default` is the one source of that default. */
export const curiosityOptionsSchema = {
  type: "object",
  additionalProperties: false,
  properties: {
    capacity: {
      type: "integer",
      minimum: 1,
      default: 1000,
      description:
        "Questions kept at most; when full, the lowest-severity question that has waited longest is dropped (counted in /health and logged).",
    },
    topics: {
      type: "string",
      minLength: 1,
      default: "curiosity.>",
      description: "Pattern subscribed to: `*_question` topics add a question, `*_resolved` topics remove one by id; others are ignored.",
    },
    path: { type: "string", pattern: "^/", default: "/questions", description: "Ops server path serving the questions as JSON." },
  },
} as const;

/** The options a curiosity actor gets (defaults applied). */
export type CuriosityOptions = OptionsFromSchema<typeof curiosityOptionsSchema>;

/** What `GET /questions` answers. */
export interface QuestionsBody {
  /** Questions matching the filter, before `limit`. */
  total: number;
  /** Questions queued, whatever the filter. */
  queued: number;
  capacity: number;
  /** Questions dropped to stay within capacity since the actor started. */
  evicted: number;
  questions: Array<Omit<QueuedQuestion, "seq">>;
}

/** What the actor keeps in `ctx.state`. */
interface CuriosityState {
  version: 1;
  questions: QueuedQuestion[];
}

/**
 * Gathers the questions every monitor asks on `curiosity.>` into one bounded, deduped,
 * priority-ordered queue, drops those resolved, keeps the queue in its state across restarts,
 * and serves it at `GET /questions` (read by `plexus questions`). New questions are logged, so
 * `plexus start` shows them as they appear.
 */
export const curiosityActor = defineActor({
  kind: "curiosity",
  description: "collects monitors' questions (curiosity.>) into a bounded priority queue served at GET /questions",
  options: curiosityOptionsSchema,
  async start(ctx) {
    return startCuriosity(ctx);
  },
});

async function startCuriosity(ctx: ActorContext<CuriosityOptions>): Promise<() => Promise<void>> {
  const queue = new QuestionQueue(ctx.options.capacity);
  const saved = (await ctx.state.load()) as Partial<CuriosityState> | undefined;
  if (saved?.version === 1 && Array.isArray(saved.questions)) {
    const valid = saved.questions.filter(isQueuedQuestion);
    const dropped = queue.restore(valid);
    if (valid.length < saved.questions.length || dropped > 0)
      ctx.log.warn(
        { invalid: saved.questions.length - valid.length, overCapacity: dropped },
        "curiosity state: some saved questions were not restored",
      );
  }
  const counts = { received: 0, duplicates: 0, resolved: 0, unknownResolutions: 0, evicted: 0, ignored: 0, invalid: 0 };
  const throttled = new ThrottledLog(ctx.log, 10_000);
  const saver = coalescingSaver(
    ctx.state,
    ctx.log,
    "curiosity queue",
    () => ({ version: 1, questions: queue.snapshot() }) satisfies CuriosityState,
  );

  const onMessage = (envelope: Envelope<unknown>): void => {
    if (envelope.topic.endsWith("_resolved")) {
      const id = (envelope.payload as { id?: unknown } | null)?.id;
      if (typeof id !== "string") return void counts.invalid++;
      if (queue.resolve(id)) {
        counts.resolved++;
        saver.request();
      } else counts.unknownResolutions++;
      return;
    }
    if (!envelope.topic.endsWith("_question")) return void counts.ignored++;
    const question = readQuestion(envelope.payload, envelope.source);
    if (question === undefined) {
      counts.invalid++;
      throttled.warn(
        `invalid:${envelope.topic}`,
        { topic: envelope.topic, source: envelope.source },
        "curiosity ignored a question without id, kind, severity, subject or question",
      );
      return;
    }
    counts.received++;
    const { outcome, evicted } = queue.add(question, new Date(ctx.clock.now()).toISOString());
    if (outcome === "duplicate") counts.duplicates++;
    else
      ctx.log.info(
        { monitor: question.monitor, kind: question.kind, severity: question.severity, subject: question.subject },
        `question: ${question.question}`,
      );
    if (evicted !== undefined) {
      counts.evicted++;
      throttled.warn(
        "evicted",
        { capacity: queue.capacity, id: evicted.id, severity: evicted.severity, evicted: counts.evicted },
        "curiosity queue full; dropped its lowest-severity oldest question",
      );
    }
    saver.request();
  };
  await ctx.bus.subscribe(ctx.options.topics, onMessage);

  const unmount = ctx.ops.route("GET", ctx.options.path, (request) => {
    const parsed = parseQuestionsQuery(request.query);
    if ("error" in parsed) return { status: 400, body: { error: parsed.error } };
    const { total, questions } = queue.list(parsed.filter);
    const body: QuestionsBody = {
      total,
      queued: queue.size,
      capacity: queue.capacity,
      evicted: counts.evicted,
      questions: questions.map(({ seq: _seq, ...rest }) => rest),
    };
    return { body };
  });
  const removeStatus = ctx.ops.status(() => ({
    queued: queue.size,
    capacity: queue.capacity,
    bySeverity: queue.countBySeverity(),
    ...counts,
  }));
  ctx.log.info({ queued: queue.size, topics: ctx.options.topics, path: ctx.options.path }, "curiosity collecting questions");

  return async () => {
    unmount();
    removeStatus();
    await saver.flush();
  };
}
