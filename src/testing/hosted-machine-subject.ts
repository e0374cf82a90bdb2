import { createActor, fromCallback, setup, type AnyActorRef, type AnyStateMachine, type EventObject } from "xstate";
import { toError } from "../common/errors.js";
import { silentLogger } from "../common/logger.js";
import { defineActor } from "../runtime/define-actor.js";
import { HostedActor } from "../runtime/hosting/hosted-actor.js";
import type { LifecycleState } from "../runtime/lifecycle-types.js";
import { describeError } from "./describe-error.js";
import { transitionKey } from "./machine-graph.js";
import type { MachineSubject } from "./machine-subject.js";
import { SimulatedClock } from "./simulated-clock.js";
import { StepFailure } from "./step-failure.js";
import type { TestBus } from "./test-bus.js";
import { createTestContext } from "./test-context.js";
import { waitFor } from "./wait-for.js";

const SUBJECT_DONE = "plexus.check.done";
const SUBJECT_FAILED = "plexus.check.failed";

type HarnessEvent = { type: typeof SUBJECT_DONE } | { type: typeof SUBJECT_FAILED; error: unknown };

/** Where the harness hands the check the machine under test once it runs. */
interface Port {
  subject?: AnyActorRef;
}

/** How the hosted subject runs. */
export interface HostedSubjectOptions {
  /** Kind name of the actor hosting the machine (its path is `root/<kind>`). */
  kind: string;
  input: unknown;
  shutdownMs: number;
  bus: TestBus;
}

/**
 * Runs the machine the way plexus runs a machine-form kind: inside the hosted lifecycle (a
 * HostedActor, as a supervisor makes for every start), where reaching a top-level final state is
 * a normal exit and an error in the machine fails the actor. The kind's machine is a small
 * harness that runs the machine under test as its own actor and ends as it ends, so the machine's
 * definition is tested unchanged.
 */
export async function startHostedSubject(machine: AnyStateMachine, options: HostedSubjectOptions): Promise<MachineSubject> {
  const port: Port = {};
  let taken: string[] = [];
  const initialTransitions: string[] = [];
  let starting = true;
  const record = (keys: string[]): void => void (starting ? initialTransitions : taken).push(...keys);
  const harness = harnessFor(machine, options.input, port, record);
  const path = `root/${options.kind}`;
  const states: LifecycleState[] = [];
  const host = new HostedActor({
    definition: defineActor({ kind: options.kind, machine: () => harness }),
    path,
    shutdownMs: options.shutdownMs,
    log: silentLogger(),
    makeContext: ({ signal, fail }) =>
      createTestContext({ id: options.kind, path, signal, fail, bus: options.bus, clock: new SimulatedClock() }),
    hooks: { report: (state) => states.push(state), exited: () => undefined },
  });
  await host.start().catch((error: unknown) => {
    throw new StepFailure(
      `the machine failed to start: ${toError(error).message}`,
      `the machine failed to start inside ${path}:\n${describeError(error, "    ")}`,
      { cause: error },
    );
  });
  const subject = await waitFor(() => port.subject, { timeoutMs: 2_000, message: `the machine under test to start inside ${path}` });
  starting = false;
  const hostState = (): LifecycleState => host.state;
  const hostStates = (): string => `${states.join(" → ")}${host.error ? ` (${host.error.message})` : ""}`;
  const settleWithin = options.shutdownMs + 2_000;
  return {
    initialTransitions,
    snapshot: () => subject.getSnapshot(),
    send(event: EventObject): string[] {
      taken = [];
      // Only a running host delivers: once it ended, nothing reaches the machine, as in the runtime.
      if (hostState() === "running") subject.send(event);
      return taken;
    },
    async settle(): Promise<void> {
      const snapshot = subject.getSnapshot() as { status: string; error?: unknown };
      if (snapshot.status === "done") {
        await waitFor(() => hostState() === "stopped" || hostState() === "failed", {
          timeoutMs: settleWithin,
          message: `${path} to end after its machine reached a final state`,
        });
        if (hostState() !== "stopped") throw new Error(`the machine finished but its host did not exit normally: went ${hostStates()}`);
      } else if (snapshot.status === "error") {
        await waitFor(() => hostState() === "failed" || hostState() === "stopped", {
          timeoutMs: settleWithin,
          message: `${path} to fail after its machine threw`,
        });
        if (hostState() !== "failed" || host.error?.message !== toError(snapshot.error).message) {
          throw new Error(`the machine threw but its host did not fail with that error: went ${hostStates()}`);
        }
      } else if (hostState() !== "running") {
        throw new Error(`the machine is still active but its host left running: went ${hostStates()}`);
      }
    },
    async stop(): Promise<void> {
      const active = hostState() === "running";
      await host.stop();
      if (active && hostState() !== "stopped") {
        throw new Error(
          `stopping the hosted machine must end in stopped; went ${hostStates()}${host.error ? `\n${describeError(host.error, "    ")}` : ""}`,
        );
      }
    },
  };
}

function harnessFor(machine: AnyStateMachine, input: unknown, port: Port, record: (keys: string[]) => void): AnyStateMachine {
  // The machine under test runs as its own actor, as the host runs a kind's machine; the harness
  // turns its end into the harness's own: done when it is done, failed with its error.
  const run = fromCallback<EventObject>(({ sendBack }) => {
    const subject: AnyActorRef = createActor(machine, {
      input,
      inspect: (inspection) => {
        if (inspection.type === "@xstate.microstep" && inspection.actorRef === subject) record(inspection._transitions.map(transitionKey));
      },
    });
    subject.subscribe({ complete: () => sendBack({ type: SUBJECT_DONE }), error: (error) => sendBack({ type: SUBJECT_FAILED, error }) });
    port.subject = subject;
    subject.start();
    return () => subject.stop();
  });
  return setup({
    types: { events: {} as HarnessEvent },
    actors: { run },
    actions: {
      // An error of the machine under test must fail its host, as an error of a kind's own machine does.
      rethrow: ({ event }) => {
        if (event.type === SUBJECT_FAILED) throw event.error;
      },
    },
  }).createMachine({
    id: "plexus-check-harness",
    initial: "running",
    states: {
      running: { invoke: { src: "run" }, on: { [SUBJECT_DONE]: "done", [SUBJECT_FAILED]: "failed" } },
      done: { type: "final" },
      failed: { entry: "rethrow" },
    },
  }) as unknown as AnyStateMachine;
}
