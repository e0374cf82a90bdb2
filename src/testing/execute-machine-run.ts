import type { AnyMachineSnapshot, AnyStateMachine, EventObject, InputFrom } from "xstate";
import { describeError } from "./describe-error.js";
import { startDirectSubject } from "./direct-machine-subject.js";
import { startHostedSubject } from "./hosted-machine-subject.js";
import { activeStates, type MachineGraph } from "./machine-graph.js";
import { formatEvent, type MachineRun } from "./machine-run.js";
import type { MachineInvariant, MachineStep } from "./machine-step.js";
import type { MachineSubject } from "./machine-subject.js";
import { StepFailure } from "./step-failure.js";
import { createTestBus } from "./test-bus.js";

/** How one run of a machine is hosted and checked. */
export interface MachineRunSettings<M extends AnyStateMachine> {
  /** Rules that hold after every step, by name (the name is what a failure reports). */
  invariants?: Record<string, MachineInvariant<M>>;
  /** Rules that hold after every step that ends in a state, by the state's path (`TRAINING`, `running.retrying`). */
  stateInvariants?: Record<string, MachineInvariant<M>>;
  /** The machine's input. */
  input?: InputFrom<M>;
  /**
   * `"plexus"` runs the machine the way a machine-form kind runs: inside the real hosted lifecycle,
   * where a final state must end the actor normally and an error must fail it. `"direct"` runs it
   * as a plain `createActor`, faster, for machines that are not actor kinds.
   * @defaultValue "plexus"
   */
  host?: "plexus" | "direct";
  /** Kind name of the hosting actor (`"plexus"` host). @defaultValue "machine-under-test" */
  kind?: string;
  /** Stop budget of the hosting actor (`"plexus"` host). @defaultValue 1000 */
  shutdownMs?: number;
}

/** Chooses the next event of a run from where it stands; undefined ends the run. */
export type NextEvent = (snapshot: AnyMachineSnapshot, index: number) => EventObject | undefined;

/**
 * Runs the machine once: starts it (hosted or direct), sends the events `next` chooses, and after
 * the start and every step checks the host's contract and the invariants. Resolves with the
 * failure, or undefined when the run held; the machine is stopped either way.
 */
export async function executeMachineRun<M extends AnyStateMachine>(
  machine: M,
  graph: MachineGraph,
  settings: MachineRunSettings<M>,
  run: MachineRun<M>,
  next: NextEvent,
): Promise<unknown> {
  const kind = settings.kind ?? "machine-under-test";
  const bus = settings.host === "direct" ? undefined : createTestBus({ source: kind });
  let failure: unknown;
  let subject: MachineSubject | undefined;
  try {
    subject = bus
      ? await startHostedSubject(machine, { kind, input: settings.input, shutdownMs: settings.shutdownMs ?? 1_000, bus })
      : startDirectSubject(machine, settings.input);
    run.start(subject.snapshot(), subject.initialTransitions);
    await subject.settle();
    throwIfThrew(subject.snapshot());
    checkInvariants(run.lastStep(), settings, graph);
    for (let index = 0; ; index += 1) {
      const snapshot = subject.snapshot();
      if (snapshot.status !== "active") break;
      const event = next(snapshot, index);
      if (event === undefined) break;
      run.step(event, subject.send(event), subject.snapshot());
      await subject.settle();
      throwIfThrew(subject.snapshot());
      checkInvariants(run.lastStep(), settings, graph);
    }
  } catch (error) {
    failure = error;
  } finally {
    failure ??= await subject?.stop().then(
      () => undefined,
      (error: unknown) => error,
    );
    await bus?.close();
  }
  return failure;
}

/** A machine that threw (on start or on an event) fails the run with its error. */
function throwIfThrew(snapshot: AnyMachineSnapshot): void {
  const { status, error } = snapshot as AnyMachineSnapshot & { error?: unknown };
  if (status !== "error") return;
  const message = error instanceof Error ? error.message : String(error);
  throw new StepFailure(`the machine threw: ${message}`, `the machine threw:\n${describeError(error, "    ")}`, { cause: error });
}

function checkInvariants<M extends AnyStateMachine>(step: MachineStep<M>, settings: MachineRunSettings<M>, graph: MachineGraph): void {
  for (const [name, invariant] of Object.entries(settings.invariants ?? {})) check(`invariant "${name}"`, invariant, step);
  const active = new Set(activeStates(graph, step.snapshot as AnyMachineSnapshot).map((state) => state.label));
  for (const [state, invariant] of Object.entries(settings.stateInvariants ?? {})) {
    if (active.has(state)) check(`invariant of state ${state}`, invariant, step);
  }
}

function check<M extends AnyStateMachine>(what: string, invariant: MachineInvariant<M>, step: MachineStep<M>): void {
  const where = `${step.states.at(-1)}${step.event ? ` after ${formatEvent(step.event)}` : " on start"}`;
  let holds: boolean | void;
  try {
    holds = invariant(step);
  } catch (error) {
    throw new StepFailure(what, `${what} broke in ${where}: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
  if (holds === false) throw new StepFailure(what, `${what} broke in ${where}`);
}
