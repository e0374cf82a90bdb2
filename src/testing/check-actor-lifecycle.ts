import fc from "fast-check";
import type { AnyActorDefinition } from "../runtime/define-actor.js";
import { CheckFailure, failureFromRunDetails } from "./check-failure.js";
import { describeError } from "./describe-error.js";
import { describeIncarnation } from "./describe-incarnation.js";
import { isInjectedFailure, lifecycleCommands, type LifecycleCommand } from "./lifecycle-commands.js";
import { createLifecycleSystem, type LifecycleModel, type LifecycleSystem, type LifecycleSystemOptions } from "./lifecycle-system.js";
import { verifyLifecycle } from "./verify-lifecycle.js";

/** How `checkActorLifecycle` runs. */
export interface LifecycleCheckOptions<O> extends LifecycleSystemOptions<O> {
  /** Your own invariant, checked after every command (after the built-in lifecycle contract). */
  invariant?: (system: LifecycleSystem, model: Readonly<LifecycleModel>) => void | Promise<void>;
  /** Your own commands (a bus message, a clock tick), mixed in with start, stop, fail and clock advances. */
  commands?: fc.Arbitrary<LifecycleCommand>[];
  /** Random command sequences to run. @defaultValue 50 */
  numRuns?: number;
  /** Longest command sequence; lengths spread up to it. @defaultValue 30 */
  maxCommands?: number;
  /** Seed of the random generator, to replay a failure (its message gives seed and path). */
  seed?: number;
  /** With `seed`: replays the shrunk failure directly. */
  path?: string;
}

/** What a passing lifecycle check exercised. */
export interface LifecycleCheckReport {
  runs: number;
  /** Commands run per run (those whose precondition held). */
  commandsPerRun: { mean: number; max: number };
  /** Incarnations started across all runs, and how many of them reached `running`. */
  starts: number;
  reachedRunning: number;
}

/**
 * Model-based check of your own actor kind with fast-check: the kind runs inside the real hosted
 * lifecycle (the one supervisors use) on a real in-memory bus and a simulated clock, and random
 * sequences of start / stop / ctx.fail / clock advances (plus your `commands`) check the contract
 * every kind must keep:
 *
 * - a start reaches `running`; a stop ends in `stopped` within `shutdownMs` (a stop function that
 *   throws or hangs fails); `ctx.fail` while running ends in `failed` with that error; a stop or
 *   fail of an ended incarnation changes nothing;
 * - a running incarnation does not fail on its own; never two run at once; an ended one has its
 *   `ctx.signal` aborted and no timer left on `ctx.clock`;
 * - across the whole check at least one start reaches `running` (unless `expectStartFailure`, which
 *   requires every start to fail instead).
 *
 * A failure throws a CheckFailure whose message names the broken rule, the shrunk command
 * sequence, the kind's own error with the head of its stack, and the seed and path to replay it.
 *
 * ```ts
 * await checkActorLifecycle(tickerKind, { options: { everyMs: 10 } });
 * ```
 */
export async function checkActorLifecycle<O>(
  definition: AnyActorDefinition,
  settings: LifecycleCheckOptions<O> = {},
): Promise<LifecycleCheckReport> {
  const title = `checkActorLifecycle(${definition.kind})`;
  const tally = { runs: 0, commands: 0, maxCommands: 0, starts: 0, reachedRunning: 0, firstStartError: undefined as Error | undefined };
  const commands = fc.commands(
    [...lifecycleCommands(), ...(settings.commands ?? [])].map((arbitrary) =>
      arbitrary.map((command): LifecycleCommand => new CheckedCommand(command, settings.invariant)),
    ),
    // size "max": lengths spread over 0..maxCommands instead of staying near fast-check's small default.
    { maxCommands: settings.maxCommands ?? 30, size: "max" },
  );
  const property = fc.asyncProperty(commands, async (sequence) => {
    const system = createLifecycleSystem(definition, settings);
    let failure: unknown;
    try {
      await fc.asyncModelRun(() => ({ model: { running: false, starts: 0 }, real: system }), sequence);
    } catch (error) {
      failure = error;
    } finally {
      await system.close();
    }
    tally.runs += 1;
    tally.commands += system.history.length;
    tally.maxCommands = Math.max(tally.maxCommands, system.history.length);
    for (const incarnation of system.incarnations) {
      tally.starts += 1;
      if (incarnation.states.includes("running")) tally.reachedRunning += 1;
      else tally.firstStartError ??= incarnation.actor.error;
    }
    if (failure !== undefined) throw new Error(describeRunFailure(failure, system), { cause: failure });
  });
  const details = await fc.check(property, {
    numRuns: settings.numRuns ?? 50,
    ...(settings.seed === undefined ? {} : { seed: settings.seed }),
    ...(settings.path === undefined ? {} : { path: settings.path }),
  });
  const failure = failureFromRunDetails(title, details);
  if (failure) throw failure;
  if (!settings.expectStartFailure && tally.starts > 0 && tally.reachedRunning === 0) {
    throw new CheckFailure(
      `${title}: no incarnation reached running in ${tally.runs} runs (${tally.starts} starts); every start failed. The first failure:\n` +
        `${describeError(tally.firstStartError, "    ")}\n` +
        "  Fix the kind (or the options and context the check gives it); if it is meant to refuse to start here, pass expectStartFailure: true.",
      { seed: details.seed, cause: tally.firstStartError },
    );
  }
  return {
    runs: tally.runs,
    commandsPerRun: { mean: tally.runs === 0 ? 0 : tally.commands / tally.runs, max: tally.maxCommands },
    starts: tally.starts,
    reachedRunning: tally.reachedRunning,
  };
}

/** Runs a command, records it in the run's history, then checks the contract and your invariant. */
class CheckedCommand implements LifecycleCommand {
  constructor(
    private readonly command: LifecycleCommand,
    private readonly invariant: LifecycleCheckOptions<unknown>["invariant"],
  ) {}

  check(model: Readonly<LifecycleModel>): boolean {
    return this.command.check(model);
  }

  async run(model: LifecycleModel, system: LifecycleSystem): Promise<void> {
    system.history.push(this.command.toString());
    await this.command.run(model, system);
    verifyLifecycle(model, system);
    await this.invariant?.(system, model);
  }

  toString(): string {
    return this.command.toString();
  }
}

/** The failing run as the message shows it: what broke, the commands that led there, the kind's own error. */
function describeRunFailure(failure: unknown, system: LifecycleSystem): string {
  const message = failure instanceof Error ? failure.message : String(failure);
  const lines = [message, `  commands: ${system.history.join(" → ") || "(none)"}`];
  const incarnation = system.current();
  const states = describeIncarnation(incarnation);
  if (incarnation && !message.includes(states)) lines.push(`  last incarnation: ${states}`);
  const kindError = incarnation?.actor.error;
  if (kindError !== undefined && kindError !== failure && !isInjectedFailure(kindError))
    lines.push("  its error:", describeError(kindError, "    "));
  return lines.join("\n");
}
