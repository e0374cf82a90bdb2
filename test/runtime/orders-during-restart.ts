import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createRuntime, defineActor, type Runtime, type TransportConfig } from "../../src/index.js";
import type { Envelope } from "../../src/transports/envelope.js";
import { RecordingLogger } from "./recording-logger.js";
import { waitFor } from "../helpers/wait.js";

/** What one run of {@link ordersDuringRestart} measured. */
export interface RestartFigures {
  published: number;
  /** Distinct orders handled by any incarnation before the deadline. */
  processed: number;
  /** Longest time from publish to handling among the processed orders, in ms. */
  maxWaitMs: number;
  /** Orders handled more than 5 s after they were published (what waits for a redis reclaim). */
  over5s: number;
  /** Incarnations of the subscriber that ran (1 + restarts). */
  incarnations: number;
  /** Dead letters published under `_dead.orders.>`. */
  deadLettered: number;
  /** The bus's drop counters by reason. */
  drops: Record<string, number>;
  /** Log lines saying the mailbox dropped a message. */
  dropLogLines: number;
}

export interface OrdersDuringRestartOptions {
  transport: TransportConfig;
  /** Orders published while the subscriber crashes and restarts. @defaultValue 2000 */
  orders?: number;
  /** Restarts caused while the orders flow (one crash each). @defaultValue 1 */
  restarts?: number;
  /** How long to wait for every order to be handled. */
  deadlineMs: number;
  /** Runs with the runtime still up, after the orders were handled (or the deadline passed). */
  inspect?: (runtime: Runtime) => Promise<void>;
}

/**
 * The scenario of "restarts lose nothing": an actor handles `orders.created` (slowly enough to
 * keep a backlog in its mailbox) while a publisher sends orders at a steady pace; meanwhile the
 * actor is made to crash (a command on another topic calls `ctx.fail` on the next turn, so that
 * the command itself is not the message that crashed it) and its supervisor restarts it after a
 * 100 ms backoff. Every order should be handled by some incarnation, soon.
 */
export async function ordersDuringRestart(options: OrdersDuringRestartOptions): Promise<RestartFigures> {
  const total = options.orders ?? 2_000;
  const crashes = options.restarts ?? 1;
  const publishedAt = new Map<number, number>();
  const handledAt = new Map<number, number>();
  let incarnations = 0;
  const orderTaker = defineActor({
    kind: "order-taker",
    async start(ctx) {
      incarnations += 1;
      await ctx.bus.subscribe<{ n: number }>("orders.created", async (envelope) => {
        // About a millisecond of work per order, slower than the publisher: a backlog waits in
        // the mailbox when the crash comes.
        await new Promise((resolve) => setTimeout(resolve, 1));
        if (!handledAt.has(envelope.payload.n)) handledAt.set(envelope.payload.n, performance.now());
      });
      await ctx.bus.subscribe("orders.crash", () => void setImmediate(() => ctx.fail(new Error("crash requested by the scenario"))));
    },
  });
  const log = new RecordingLogger();
  const dir = await mkdtemp(join(tmpdir(), "plexus-restart-"));
  const runtime = createRuntime({
    logger: log,
    kinds: [orderTaker],
    config: {
      runtime: { name: "orders", ops: { enabled: false }, stateDir: dir },
      transport: options.transport,
      supervisor: { intensity: 100, backoff: { min: "100ms", max: "100ms", jitter: 0 } },
      children: [{ id: "order-taker", kind: "order-taker" }],
    },
  });
  const deadLetters: Envelope[] = [];
  try {
    await runtime.start();
    await runtime.bus.subscribe("_dead.orders.>", (envelope) => void deadLetters.push(envelope));
    // 2,000 orders over about a second, 20 every 10 ms; the crashes are spread over the run.
    const crashAt = new Set(Array.from({ length: crashes }, (_, i) => Math.floor(((i + 1) * total) / (crashes + 2))));
    for (let n = 0; n < total; n++) {
      if (crashAt.has(n)) await runtime.bus.publish("orders.crash", {});
      publishedAt.set(n, performance.now());
      await runtime.bus.publish("orders.created", { n });
      if (n % 20 === 19) await new Promise((resolve) => setTimeout(resolve, 10));
    }
    await waitFor(() => handledAt.size >= total, "every order handled", options.deadlineMs, 20).catch(() => undefined);
    await options.inspect?.(runtime);
    let maxWaitMs = 0;
    let over5s = 0;
    for (const [n, at] of handledAt) {
      const wait = at - (publishedAt.get(n) ?? at);
      maxWaitMs = Math.max(maxWaitMs, wait);
      if (wait > 5_000) over5s++;
    }
    const stats = runtime.bus.stats();
    return {
      published: total,
      processed: handledAt.size,
      maxWaitMs: Math.round(maxWaitMs),
      over5s,
      incarnations,
      deadLettered: deadLetters.length,
      drops: stats.drops,
      dropLogLines: log.lines.filter((line) => /mailbox dropped/.test(line.message)).length,
    };
  } finally {
    await runtime.stop();
    await rm(dir, { recursive: true, force: true });
  }
}
