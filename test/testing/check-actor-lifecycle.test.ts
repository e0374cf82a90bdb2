import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { failureOf } from "../helpers/failure-of.js";
import { defineActor } from "../../src/runtime/define-actor.js";
import {
  checkActorLifecycle,
  CheckFailure,
  createTestBus,
  createTestContext,
  SimulatedClock,
  waitFor,
  type LifecycleCommand,
  type LifecycleModel,
  type LifecycleSystem,
} from "../../src/testing/index.js";

/** Publishes `{ seq }` on `ticks` every `everyMs` of its context's clock. */
const ticker = defineActor({
  kind: "ticker",
  options: { type: "object", properties: { everyMs: { type: "integer", minimum: 1 } }, required: ["everyMs"] },
  start(ctx) {
    let seq = 0;
    const timer = ctx.clock.setInterval(() => void ctx.bus.publish("ticks", { seq: ++seq }), ctx.options.everyMs);
    return () => ctx.clock.clearInterval(timer);
  },
});

/** Answers every `ping` with a `pong` carrying the same number: needs a bus that really subscribes. */
const echo = defineActor({
  kind: "echo",
  async start(ctx) {
    const subscription = await ctx.bus.subscribe<{ n: number }>("ping", (envelope) => ctx.bus.publish("pong", { n: envelope.payload.n }));
    return () => subscription.unsubscribe();
  },
});

/** Your own command: publish a ping and expect the running echo actor to answer it. */
class PingCommand implements LifecycleCommand {
  static sent = 0;
  constructor(readonly n: number) {}
  check(model: Readonly<LifecycleModel>): boolean {
    return model.running;
  }
  async run(_model: LifecycleModel, system: LifecycleSystem): Promise<void> {
    PingCommand.sent += 1;
    await system.bus.publish("ping", { n: this.n });
    await waitFor(() => system.bus.published.some((e) => e.topic === "pong" && (e.payload as { n: number }).n === this.n), {
      timeoutMs: 2_000,
      message: `the pong for ping ${this.n}`,
    });
  }
  toString(): string {
    return `ping(${this.n})`;
  }
}

describe("checkActorLifecycle", () => {
  it("fails, with the kind's own error in the message, when no start ever reaches running", async () => {
    const unreachable = defineActor({
      kind: "unreachable",
      start() {
        throw new Error("no broker answers at tcp://10.0.0.1:5555");
      },
    });
    const failure = await failureOf(checkActorLifecycle(unreachable, { numRuns: 10 }));
    expect(failure).toBeInstanceOf(CheckFailure);
    expect(failure?.message).toMatch(/checkActorLifecycle\(unreachable\): no incarnation reached running in 10 runs \(\d+ starts\)/);
    expect(failure?.message).toContain("Error: no broker answers at tcp://10.0.0.1:5555");
    expect(failure?.message).toMatch(/at (Object\.)?start \(.*check-actor-lifecycle\.test\.ts/);
    expect(failure?.message).toContain("expectStartFailure: true");
  });

  it("passes a kind that must refuse to start when told so, and fails it when a start succeeds", async () => {
    const refusing = defineActor({
      kind: "refusing",
      start() {
        throw new Error("port 80 needs privileges");
      },
    });
    const report = await checkActorLifecycle(refusing, { expectStartFailure: true, numRuns: 10 });
    expect(report.reachedRunning).toBe(0);
    expect(report.starts).toBeGreaterThan(0);
    const failure = await failureOf(checkActorLifecycle(ticker, { options: { everyMs: 10 }, expectStartFailure: true, numRuns: 5 }));
    expect(failure?.message).toMatch(
      /start reached running, but expectStartFailure says every start of this kind must fail\n {2}commands: start\n/,
    );
  });

  it("runs long command sequences: the mean length is well above 3", async () => {
    const report = await checkActorLifecycle(ticker, { options: { everyMs: 10 }, numRuns: 60, maxCommands: 30 });
    expect(report.runs).toBe(60);
    expect(report.commandsPerRun.mean).toBeGreaterThan(6);
    expect(report.commandsPerRun.max).toBeGreaterThan(20);
    expect(report.commandsPerRun.max).toBeLessThanOrEqual(30);
    expect(report.reachedRunning).toBeGreaterThan(0);
  });

  it("mixes in your own commands, against a real bus", async () => {
    PingCommand.sent = 0;
    const report = await checkActorLifecycle(echo, { commands: [fc.nat({ max: 1_000 }).map((n) => new PingCommand(n))], numRuns: 30 });
    expect(report.reachedRunning).toBeGreaterThan(0);
    expect(PingCommand.sent).toBeGreaterThan(10);
  });

  it("catches an actor that leaves its timers behind, and one that fails on its own", async () => {
    const leaky = defineActor({
      kind: "leaky",
      options: { type: "object", properties: { everyMs: { type: "integer", minimum: 1 } }, required: ["everyMs"] },
      start(ctx) {
        ctx.clock.setInterval(() => void ctx.bus.publish("ticks", {}), ctx.options.everyMs);
      },
    });
    const leak = await failureOf(checkActorLifecycle(leaky, { options: { everyMs: 10 }, numRuns: 20 }));
    // Shrunk to two commands: ending the incarnation either way shows the leak.
    expect(leak?.message).toMatch(/incarnation 1 \(starting → running → .*\) ended with 1 timer\(s\) still set on ctx\.clock/);
    expect(leak?.message).toMatch(/commands: start → (stop|fail)\n/);

    const fragile = defineActor({
      kind: "fragile",
      start(ctx) {
        const timer = ctx.clock.setTimeout(() => ctx.fail(new Error("lost the connection after 1 s")), 1_000);
        return () => ctx.clock.clearTimeout(timer);
      },
    });
    const selfFailure = await failureOf(checkActorLifecycle(fragile, { numRuns: 40 }));
    expect(selfFailure?.message).toMatch(
      /the actor left running on its own: went starting → running → failed \(lost the connection after 1 s\)/,
    );
    expect(selfFailure?.message).toMatch(/commands: start → advance\((1000|60000)ms\)\n/);
  });
});

describe("the simulated clock drives a ticker actor without waiting", () => {
  it("publishes one tick per period of simulated time, and none after it stopped", async () => {
    const clock = new SimulatedClock();
    const bus = createTestBus();
    const controller = new AbortController();
    const ctx = createTestContext({ options: { everyMs: 100 }, bus, clock, signal: controller.signal, fail: () => undefined });
    const stop = await ticker.start!(ctx);
    clock.advance(1_000);
    // The publishes were made at once; waitFor only lets their promises settle.
    await waitFor(() => bus.published.length === 10, { message: "ten ticks" });
    expect(bus.published.map((envelope) => (envelope.payload as { seq: number }).seq)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    await stop?.();
    controller.abort();
    expect(clock.pending).toBe(0);
    clock.advance(10_000);
    await bus.publish("witness", {});
    expect(bus.published.filter((envelope) => envelope.topic === "ticks")).toHaveLength(10);
    await bus.close();
  });
});
