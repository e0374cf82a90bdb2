import fc from "fast-check";
import { describeIncarnation } from "./describe-incarnation.js";
import type { LifecycleModel, LifecycleSystem } from "./lifecycle-system.js";

/** A command of a lifecycle check. Write your own (a bus message, a clock tick) and pass it in `commands`. */
export type LifecycleCommand = fc.AsyncCommand<LifecycleModel, LifecycleSystem>;

/**
 * Starts a new incarnation when none runs. It must reach `running` (or, for a kind that refuses
 * to start, end in `failed` without passing `running`).
 */
export class StartCommand implements LifecycleCommand {
  check(model: Readonly<LifecycleModel>): boolean {
    return !model.running;
  }

  async run(model: LifecycleModel, system: LifecycleSystem): Promise<void> {
    const running = await system.start();
    model.starts += 1;
    model.running = running;
    const incarnation = system.current();
    const expected = running ? "starting → running" : "starting → failed";
    if (incarnation?.states.join(" → ") !== expected)
      throw new Error(`start went ${describeIncarnation(incarnation)}; expected ${expected}`);
    if (running && system.expectStartFailure) {
      throw new Error("start reached running, but expectStartFailure says every start of this kind must fail");
    }
  }

  toString(): string {
    return "start";
  }
}

/**
 * Stops the latest incarnation. A running one must end in `stopped` with its signal aborted; an
 * ended one (a second stop, as a supervisor may send) must stay as it ended.
 */
export class StopCommand implements LifecycleCommand {
  check(model: Readonly<LifecycleModel>): boolean {
    return model.starts > 0;
  }

  async run(model: LifecycleModel, system: LifecycleSystem): Promise<void> {
    const incarnation = system.current();
    if (incarnation === undefined) throw new Error("stop: the model counts a start but the system has no incarnation");
    const before = describeIncarnation(incarnation);
    await incarnation.actor.stop();
    if (!model.running) {
      if (describeIncarnation(incarnation) !== before)
        throw new Error(`stop of an ended incarnation changed it: ${before} became ${describeIncarnation(incarnation)}`);
      return;
    }
    model.running = false;
    if (incarnation.actor.state !== "stopped") throw new Error(`stop must end in stopped; went ${describeIncarnation(incarnation)}`);
    if (incarnation.context && !incarnation.context.signal.aborted) throw new Error("ctx.signal was not aborted after stop");
  }

  toString(): string {
    return "stop";
  }
}

/**
 * Calls the latest incarnation's `ctx.fail`. A running one must end in `failed` with exactly that
 * error; an ended one must ignore it (a late failure from a timer of an old incarnation).
 */
export class FailCommand implements LifecycleCommand {
  check(model: Readonly<LifecycleModel>): boolean {
    return model.starts > 0;
  }

  async run(model: LifecycleModel, system: LifecycleSystem): Promise<void> {
    const incarnation = system.current();
    if (incarnation === undefined) throw new Error("fail: the model counts a start but the system has no incarnation");
    const error = new InjectedFailure();
    const before = describeIncarnation(incarnation);
    incarnation.context?.fail(error);
    // The failure releases resources first; stop() waits for the end without changing it.
    await incarnation.actor.stop();
    if (!model.running) {
      if (describeIncarnation(incarnation) !== before)
        throw new Error(`ctx.fail of an ended incarnation changed it: ${before} became ${describeIncarnation(incarnation)}`);
      return;
    }
    model.running = false;
    if (incarnation.actor.state !== "failed" || incarnation.actor.error !== error) {
      throw new Error(`ctx.fail must end in failed with its error; went ${describeIncarnation(incarnation)}`);
    }
  }

  toString(): string {
    return "fail";
  }
}

/** The error FailCommand passes to `ctx.fail`: the check's doing, not the kind's. */
class InjectedFailure extends Error {
  constructor() {
    super("failed on purpose by the lifecycle check (ctx.fail)");
    this.name = "InjectedFailure";
  }
}

/** Whether `error` is the one FailCommand injected (a failure report need not explain it). */
export function isInjectedFailure(error: unknown): boolean {
  return error instanceof InjectedFailure;
}

/** Moves the system's simulated clock forward by `ms`, firing the timers that fall due. */
export class AdvanceClockCommand implements LifecycleCommand {
  constructor(readonly ms: number) {}

  check(): boolean {
    return true;
  }

  async run(_model: LifecycleModel, system: LifecycleSystem): Promise<void> {
    system.clock.advance(this.ms);
  }

  toString(): string {
    return `advance(${this.ms}ms)`;
  }
}

/** The built-in commands of `checkActorLifecycle`: start, stop, ctx.fail and clock advances of 1 ms to 1 min. */
export function lifecycleCommands(): fc.Arbitrary<LifecycleCommand>[] {
  return [
    fc.constant(new StartCommand()),
    fc.constant(new StopCommand()),
    fc.constant(new FailCommand()),
    fc.constantFrom(1, 10, 100, 1_000, 60_000).map((ms) => new AdvanceClockCommand(ms)),
  ];
}
