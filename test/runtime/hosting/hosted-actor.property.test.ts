import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { defineActor } from "../../../src/runtime/define-actor.js";
import { HostedActor } from "../../../src/runtime/hosting/hosted-actor.js";
import { silentLogger } from "../../../src/common/logger.js";
import { checkActorLifecycle } from "../../../src/testing/check-actor-lifecycle.js";
import { ActorProbe } from "../../../src/testing/probe-actor.js";
import { createTestContext } from "../../../src/testing/test-context.js";

type StartMode = "sync" | "async" | "throw" | "reject" | "fail-inside";
type StopMode = "sync" | "async" | "throw" | "hang";
interface Plan {
  start: StartMode;
  stop: StopMode;
}

const SHUTDOWN_MS = 15;

/** One incarnation as the real system saw it. */
interface Run {
  actor: HostedActor;
  plan: Plan;
  signal?: AbortSignal;
  stopCalls: number;
  createdStop: boolean;
}

interface Real {
  runs: Run[];
  fail?: (error: unknown) => void;
}

interface Model {
  /** Plan of the running incarnation, if one runs. */
  running?: Plan;
}

/** A kind whose every start and stop follows the plan of its incarnation. */
function scriptedKind(real: Real, plan: Plan, run: Run) {
  return defineActor({
    kind: "scripted",
    async start(ctx) {
      run.signal = ctx.signal;
      real.fail = ctx.fail;
      if (plan.start === "async") await Promise.resolve();
      if (plan.start === "throw") throw new Error("start threw");
      if (plan.start === "reject") return Promise.reject(new Error("start rejected"));
      if (plan.start === "fail-inside") ctx.fail(new Error("failed inside start"));
      run.createdStop = true;
      return () => {
        run.stopCalls += 1;
        if (plan.stop === "throw") throw new Error("stop threw");
        if (plan.stop === "async") return Promise.resolve();
        if (plan.stop === "hang") return new Promise<void>(() => undefined);
        return undefined;
      };
    },
  });
}

function checkEnded(real: Real): void {
  for (const run of real.runs) {
    if (run.actor.state !== "stopped" && run.actor.state !== "failed") continue;
    // Nothing survives an incarnation: its stop function ran exactly once if start made one.
    expect(run.stopCalls).toBe(run.createdStop ? 1 : 0);
    if (run.signal) expect(run.signal.aborted).toBe(true);
  }
}

class StartCommand implements fc.AsyncCommand<Model, Real> {
  constructor(readonly plan: Plan) {}
  check(model: Readonly<Model>): boolean {
    return model.running === undefined;
  }
  async run(model: Model, real: Real): Promise<void> {
    const run: Run = { plan: this.plan, stopCalls: 0, createdStop: false } as Run;
    run.actor = new HostedActor({
      definition: scriptedKind(real, this.plan, run),
      path: "root/scripted",
      shutdownMs: SHUTDOWN_MS,
      log: silentLogger(),
      makeContext: ({ signal, fail }) => createTestContext({ signal, fail }),
      hooks: { report: () => undefined, exited: () => undefined },
    });
    real.runs.push(run);
    const outcome = await run.actor.start().then(
      () => "running",
      (error: Error) => error.message,
    );
    const expected = {
      sync: "running",
      async: "running",
      throw: "start threw",
      reject: "start rejected",
      "fail-inside": "failed inside start",
    }[this.plan.start];
    expect(outcome).toBe(expected);
    if (outcome === "running") model.running = this.plan;
    else {
      expect(run.actor.state).toBe("failed");
      // A failure during start still releases what start acquired (before failing).
      if (this.plan.start === "fail-inside" && this.plan.stop === "hang") expect(run.stopCalls).toBe(1);
    }
    checkEnded(real);
  }
  toString(): string {
    return `start(${this.plan.start}/${this.plan.stop})`;
  }
}

class StopCommand implements fc.AsyncCommand<Model, Real> {
  check(model: Readonly<Model>): boolean {
    return model.running !== undefined;
  }
  async run(model: Model, real: Real): Promise<void> {
    const run = real.runs[real.runs.length - 1];
    await run?.actor.stop();
    const stopMode = model.running?.stop;
    model.running = undefined;
    if (stopMode === "sync" || stopMode === "async") expect(run?.actor.state).toBe("stopped");
    else {
      expect(run?.actor.state).toBe("failed");
      expect(run?.actor.error?.message).toMatch(stopMode === "throw" ? /stop threw/ : /killed after shutdownMs=15/);
    }
    checkEnded(real);
  }
  toString(): string {
    return "stop";
  }
}

class FailCommand implements fc.AsyncCommand<Model, Real> {
  check(model: Readonly<Model>): boolean {
    return model.running !== undefined;
  }
  async run(model: Model, real: Real): Promise<void> {
    const run = real.runs[real.runs.length - 1];
    const error = new Error("ctx.fail on command");
    real.fail?.(error);
    await run?.actor.stop(); // waits for the end; the failure is already under way
    model.running = undefined;
    expect(run?.actor.state).toBe("failed");
    expect(run?.actor.error).toBe(error);
    checkEnded(real);
  }
  toString(): string {
    return "fail";
  }
}

const plans = fc.record({
  start: fc.constantFrom<StartMode>("sync", "async", "throw", "reject", "fail-inside"),
  // Hanging stops cost SHUTDOWN_MS each: keep them rarer.
  stop: fc.oneof(
    { weight: 6, arbitrary: fc.constantFrom<StopMode>("sync", "async", "throw") },
    { weight: 1, arbitrary: fc.constant<StopMode>("hang") },
  ),
});

describe("hosted actor lifecycle (model-based)", () => {
  it("matches the model for any sequence of starts, stops and failures", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.commands([plans.map((plan) => new StartCommand(plan)), fc.constant(new StopCommand()), fc.constant(new FailCommand())], {
          maxCommands: 20,
        }),
        async (commands) => {
          const real: Real = { runs: [] };
          await fc.asyncModelRun(() => ({ model: {}, real }), commands);
          await real.runs[real.runs.length - 1]?.actor.stop();
          checkEnded(real);
        },
      ),
      { numRuns: 60 },
    );
  });
});

describe("checkActorLifecycle (the helper users get)", () => {
  it("passes for well-behaved kinds in start and machine form", async () => {
    const probe = new ActorProbe();
    await checkActorLifecycle(probe.definition(), { numRuns: 25 });
    await checkActorLifecycle(probe.machineDefinition(), { numRuns: 25 });
    const ticker = defineActor({
      kind: "ticker",
      options: { type: "object", properties: { everyMs: { type: "integer", minimum: 1 } }, required: ["everyMs"] },
      start(ctx) {
        const timer = setInterval(() => void ctx.bus.publish("ticks", {}), ctx.options.everyMs);
        return () => clearInterval(timer);
      },
    });
    await checkActorLifecycle(ticker, { options: { everyMs: 1 }, numRuns: 25 });
    const stops = probe.log.filter((e) => e.type === "stop").length;
    expect(stops).toBe(probe.log.length - stops);
  });

  it("catches a kind whose stop function hangs", async () => {
    const hanging = defineActor({ kind: "hanging", start: () => () => new Promise<void>(() => undefined) });
    const failure = await checkActorLifecycle(hanging, { shutdownMs: 10, numRuns: 10 }).then(
      () => undefined,
      (error: Error) => error,
    );
    // The message itself says what broke, after which commands, and the kind's own error.
    expect(failure?.message).toMatch(
      /stop must end in stopped; went starting → running → stopping → failed \(.*killed after shutdownMs=10[^]*commands: start → stop\n/,
    );
    expect(failure?.message).toMatch(/replay with \{ seed: -?\d+, path: "[\d:]+" \}/);
  });
});
