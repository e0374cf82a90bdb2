import { describe, expect, it } from "vitest";
import { setup } from "xstate";
import { createRuntime, defineActor, type AnyActorDefinition, type Runtime } from "../../src/index.js";
import type { PlexusConfig } from "../../src/runtime/config/plexus-config.js";
import type { Envelope } from "../../src/transports/envelope.js";
import { silentLogger } from "../../src/common/logger.js";
import { ordersDuringRestart } from "./orders-during-restart.js";
import { runtimeScope } from "../helpers/runtime-scope.js";
import { waitFor } from "../helpers/wait.js";

const scope = runtimeScope("plexus-slot-");

/** Starts a memory runtime with `kinds` and `children`, restarts after a fixed 20 ms backoff. */
async function start(kinds: AnyActorDefinition[], children: NonNullable<PlexusConfig["children"]>, bus?: PlexusConfig["bus"]) {
  scope.runtime = createRuntime({
    logger: silentLogger(),
    kinds,
    config: {
      runtime: { name: "slots", ops: { enabled: false }, stateDir: await scope.stateDir() },
      supervisor: { intensity: 20, backoff: { min: "20ms", max: "20ms", jitter: 0 } },
      children,
      ...(bus ? { bus } : {}),
    },
  });
  await scope.runtime.start();
  return scope.runtime;
}

function childState(rt: Runtime, id: string): string | undefined {
  return rt.tree().children?.find((child) => child.id === id)?.state;
}

/** Collects the dead letters of `pattern` (a `_dead.…` pattern). */
async function deadLetters(rt: Runtime, pattern: string): Promise<Envelope[]> {
  const collected: Envelope[] = [];
  await rt.bus.subscribe(pattern, (envelope) => void collected.push(envelope));
  return collected;
}

describe("restarts lose nothing: an actor's subscriptions belong to its slot (memory)", () => {
  it("orders published while their subscriber restarts are all handled by its next incarnation", async () => {
    const figures = await ordersDuringRestart({ transport: { kind: "memory" }, deadlineMs: 15_000 });
    expect(figures).toMatchObject({ published: 2_000, processed: 2_000, incarnations: 2, deadLettered: 0, drops: {} });
  });

  it("the message whose handler was running when its actor failed is handled again by the next incarnation", async () => {
    let incarnations = 0;
    const handled: string[] = [];
    const worker = defineActor({
      kind: "worker",
      async start(ctx) {
        const incarnation = ++incarnations;
        await ctx.bus.subscribe<{ n: number }>("jobs.run", (envelope) => {
          handled.push(`${incarnation}:${envelope.payload.n}`);
          if (incarnation === 1 && envelope.payload.n === 3) ctx.fail(new Error("job 3 broke the first incarnation"));
        });
      },
    });
    const rt = await start([worker], [{ id: "worker", kind: "worker" }]);
    for (let n = 0; n < 6; n++) await rt.bus.publish("jobs.run", { n });
    await waitFor(
      () => handled.includes("2:5"),
      () => `job 5 handled by the second incarnation (handled: ${handled.join(" ")})`,
    );
    expect(handled).toEqual(["1:0", "1:1", "1:2", "1:3", "2:3", "2:4", "2:5"]);
  });

  it("the event that made a machine kind fail is given to the restarted machine", async () => {
    let incarnations = 0;
    const taken: string[] = [];
    const ledger = defineActor({
      kind: "ledger",
      machine: () => {
        const incarnation = ++incarnations;
        return setup({
          types: { events: {} as { type: "BOOK"; entry: string } },
          actions: {
            book: ({ event }) => {
              if (incarnation === 1 && event.entry === "poison") throw new Error("the first machine cannot book poison");
              taken.push(`${incarnation}:${event.entry}`);
            },
          },
        }).createMachine({ on: { BOOK: { actions: "book" } } });
      },
      events: { "ledger.book": (envelope) => ({ type: "BOOK", entry: (envelope.payload as { entry: string }).entry }) },
    });
    const rt = await start([ledger], [{ id: "ledger", kind: "ledger" }]);
    for (const entry of ["a", "poison", "b"]) await rt.bus.publish("ledger.book", { entry });
    await waitFor(
      () => taken.includes("2:b"),
      () => `entry b booked by the second machine (taken: ${taken.join(" ")})`,
    );
    expect(taken).toEqual(["1:a", "2:poison", "2:b"]);
  });

  it("a message that makes every incarnation fail is dead-lettered with the error after crashRetries, and the next ones are handled", async () => {
    let incarnations = 0;
    const handled: number[] = [];
    const worker = defineActor({
      kind: "worker",
      async start(ctx) {
        incarnations++;
        await ctx.bus.subscribe<{ n: number }>("jobs.run", (envelope) => {
          if (envelope.payload.n === 1) ctx.fail(new Error("job 1 is poison"));
          else handled.push(envelope.payload.n);
        });
      },
    });
    const rt = await start([worker], [{ id: "worker", kind: "worker" }], { mailbox: { crashRetries: 2 } });
    const dead = await deadLetters(rt, "_dead.jobs.run");
    for (let n = 0; n < 3; n++) await rt.bus.publish("jobs.run", { n });
    await waitFor(() => handled.includes(2), "job 2 handled after job 1 gave up");
    expect(handled).toEqual([0, 2]);
    // The first attempt and two retries, each on a new incarnation; the fourth handles job 2.
    expect(incarnations).toBe(4);
    await waitFor(() => dead.length === 1, "the dead letter of job 1");
    expect(dead[0]?.headers).toMatchObject({ reason: "crashed", subscription: "jobs.run@worker" });
    expect(dead[0]?.headers?.error).toMatch(/job 1 is poison/);
    expect((dead[0]?.payload as Envelope).payload).toEqual({ n: 1 });
  });

  it("a request that fails every incarnation of its responder is answered with the failure, not left to time out", async () => {
    const responder = defineActor({
      kind: "responder",
      async start(ctx) {
        await ctx.bus.subscribe("math.divide", () => ctx.fail(new Error("division by zero takes the responder down")));
      },
    });
    const rt = await start([responder], [{ id: "responder", kind: "responder" }], { mailbox: { crashRetries: 1 } });
    const started = performance.now();
    await expect(rt.bus.request("math.divide", { by: 0 }, { timeoutMs: 10_000 })).rejects.toMatchObject({
      code: "REQUEST_FAILED",
      message: expect.stringMatching(/division by zero/) as unknown as string,
    });
    expect(performance.now() - started).toBeLessThan(5_000);
  });

  it("a reply to a request of an incarnation that failed settles that request only, and a late subscribe is refused", async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const outcomes: string[] = [];
    let incarnations = 0;
    const asker = defineActor({
      kind: "asker",
      start(ctx) {
        const incarnation = ++incarnations;
        if (incarnation > 1) return;
        void ctx.bus.request<string>("slow.answer", {}, { timeoutMs: 10_000 }).then(async (reply) => {
          outcomes.push(`${incarnation}:${reply}`);
          await ctx.bus.subscribe("late.topic", () => undefined).catch((error: Error) => outcomes.push(error.message));
        });
        setImmediate(() => ctx.fail(new Error("the asker fails before the reply")));
      },
    });
    const answerer = defineActor({
      kind: "answerer",
      async start(ctx) {
        await ctx.bus.subscribe("slow.answer", async () => {
          await gate;
          return "forty-two";
        });
      },
    });
    const rt = await start(
      [asker, answerer],
      [
        { id: "answerer", kind: "answerer" },
        { id: "asker", kind: "asker" },
      ],
    );
    await waitFor(() => incarnations === 2 && childState(rt, "asker") === "running", "the asker restarted");
    release();
    await waitFor(
      () => outcomes.length === 2,
      () => `the reply and the refused subscribe (${outcomes.join(" | ")})`,
    );
    expect(outcomes[0]).toBe("1:forty-two");
    expect(outcomes[1]).toMatch(/incarnation of asker that has ended/);
  });

  it("a request whose responder failed while handling it is answered by the next incarnation", async () => {
    let incarnations = 0;
    const responder = defineActor({
      kind: "responder",
      async start(ctx) {
        const incarnation = ++incarnations;
        await ctx.bus.subscribe<{ n: number }>("math.double", async (envelope) => {
          if (incarnation === 1) {
            // The first incarnation fails while this request is in its hands.
            setTimeout(() => ctx.fail(new Error("responder lost its footing")), 5);
            await new Promise((_, reject) => ctx.signal.addEventListener("abort", () => reject(new Error("aborted")), { once: true }));
          }
          return envelope.payload.n * 2;
        });
      },
    });
    const rt = await start([responder], [{ id: "responder", kind: "responder" }]);
    await expect(rt.bus.request("math.double", { n: 21 }, { timeoutMs: 5_000 })).resolves.toBe(42);
    expect(incarnations).toBe(2);
  });

  it("a request sent while its responder restarts waits for the next incarnation instead of failing", async () => {
    let incarnations = 0;
    const responder = defineActor({
      kind: "responder",
      async start(ctx) {
        incarnations++;
        await ctx.bus.subscribe<{ n: number }>("math.double", (envelope) => envelope.payload.n * 2);
        await ctx.bus.subscribe("responder.crash", () => void setImmediate(() => ctx.fail(new Error("asked to crash"))));
      },
    });
    const rt = await start([responder], [{ id: "responder", kind: "responder" }]);
    await rt.bus.publish("responder.crash", {});
    await waitFor(() => childState(rt, "responder") !== "running", "the responder down");
    await expect(rt.bus.request("math.double", { n: 4 }, { timeoutMs: 5_000 })).resolves.toBe(8);
    expect(incarnations).toBe(2);
  });

  it("a queue group member's share waits for its next incarnation instead of being dropped", async () => {
    const handled = new Map<number, string>();
    const member = (id: string) =>
      defineActor({
        kind: `member-${id}`,
        async start(ctx) {
          await ctx.bus.subscribe<{ n: number }>(
            "jobs.*",
            async (envelope) => {
              await new Promise((resolve) => setTimeout(resolve, 1));
              handled.set(envelope.payload.n, id);
            },
            { group: "workers" },
          );
          await ctx.bus.subscribe(`crash.${id}`, () => void setImmediate(() => ctx.fail(new Error(`${id} asked to crash`))));
        },
      });
    const rt = await start(
      [member("a"), member("b")],
      [
        { id: "a", kind: "member-a" },
        { id: "b", kind: "member-b" },
      ],
    );
    for (let n = 0; n < 200; n++) await rt.bus.publish("jobs.run", { n });
    await rt.bus.publish("crash.a", {});
    for (let n = 200; n < 300; n++) await rt.bus.publish("jobs.run", { n });
    await waitFor(
      () => handled.size === 300,
      () => `300 jobs handled (${handled.size}; drops ${JSON.stringify(rt.bus.stats().drops)})`,
    );
    expect(rt.bus.stats().drops).toEqual({});
  });

  it("a subscription the next incarnation does not open again is closed once it runs, its held messages dead-lettered", async () => {
    let incarnations = 0;
    const seen: string[] = [];
    const changing = defineActor({
      kind: "changing",
      async start(ctx) {
        const incarnation = ++incarnations;
        await ctx.bus.subscribe("kept.topic", (envelope) => void seen.push(`${incarnation}:${envelope.topic}`));
        if (incarnation === 1) await ctx.bus.subscribe("dropped.topic", (envelope) => void seen.push(`1:${envelope.topic}`));
        await ctx.bus.subscribe("changing.crash", () => void setImmediate(() => ctx.fail(new Error("asked to crash"))));
      },
    });
    const rt = await start([changing], [{ id: "changing", kind: "changing" }]);
    const dead = await deadLetters(rt, "_dead.dropped.topic");
    await rt.bus.publish("changing.crash", {});
    await waitFor(() => childState(rt, "changing") !== "running", "the actor down");
    await rt.bus.publish("dropped.topic", { held: true });
    await rt.bus.publish("kept.topic", { held: true });
    await waitFor(() => seen.includes("2:kept.topic"), "the kept topic handled by the second incarnation");
    await waitFor(() => dead.length === 1, "the dead letter of the message held for the subscription given up");
    expect(dead[0]?.headers).toMatchObject({ reason: "closed", subscription: "dropped.topic@changing" });
    expect(seen).toEqual(["2:kept.topic"]);
  });

  it("a child removed for good dead-letters what its mailbox still held, with reason closed", async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const started: number[] = [];
    const slow = defineActor({
      kind: "slow",
      async start(ctx) {
        await ctx.bus.subscribe<{ n: number }>("slow.work", async (envelope) => {
          started.push(envelope.payload.n);
          await gate;
        });
      },
    });
    const rt = await start([slow], [{ id: "slow", kind: "slow", shutdown: "1s" }]);
    const dead = await deadLetters(rt, "_dead.slow.work");
    for (let n = 0; n < 5; n++) await rt.bus.publish("slow.work", { n });
    await waitFor(() => started.length === 1, "the first message in the handler");
    await rt.stopChild("root", "slow");
    release();
    await waitFor(
      () => dead.length === 4,
      () => `four dead letters (got ${dead.length})`,
    );
    expect(dead.map((envelope) => ((envelope.payload as Envelope).payload as { n: number }).n)).toEqual([1, 2, 3, 4]);
    expect(dead.every((envelope) => envelope.headers?.reason === "closed")).toBe(true);
    expect(started).toEqual([0]);
  });

  it("a subscription closed by its running incarnation receives nothing more, also after a restart", async () => {
    let incarnations = 0;
    const seen: string[] = [];
    const quitter = defineActor({
      kind: "quitter",
      async start(ctx) {
        const incarnation = ++incarnations;
        const subscription = await ctx.bus.subscribe("news.item", (envelope) => void seen.push(`${incarnation}:${envelope.id}`));
        await ctx.bus.subscribe("quitter.unsubscribe", () => subscription.unsubscribe());
      },
    });
    const rt = await start([quitter], [{ id: "quitter", kind: "quitter" }]);
    await rt.bus.publish("quitter.unsubscribe", {});
    await waitFor(() => !("news.item@quitter" in rt.bus.stats().mailboxDepths), "the subscription gone");
    const witness = await deadLetters(rt, "news.item");
    await rt.bus.publish("news.item", {});
    await waitFor(() => witness.length === 1, "the witness subscription's copy");
    expect(seen).toEqual([]);
  });
});
