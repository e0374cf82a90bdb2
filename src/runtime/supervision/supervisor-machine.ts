import { assign, fromPromise, setup } from "xstate";
import type { LifecycleState } from "../lifecycle-types.js";
import { toError } from "../../common/errors.js";

/** The work a supervisor's lifecycle machine invokes; implemented by `Supervisor`. */
export interface SupervisorWork {
  /** Starts every child in order; rejects with the escalation error when it has to give up. */
  startChildren(signal: AbortSignal): Promise<void>;
  /** True while operations (child exits, startChild/stopChild calls) wait in the mailbox. */
  hasWork(): boolean;
  /** Handles the oldest queued operation; rejects with the escalation error when it gives up. */
  processNext(signal: AbortSignal): Promise<void>;
  /** Stops all children in reverse start order and refuses what is still queued. */
  stopChildren(): Promise<void>;
  report(state: LifecycleState, error?: Error): void;
}

export type SupervisorEvent = { type: "WORK" } | { type: "STOP" };

interface SupervisorContext {
  work: SupervisorWork;
  error?: Error;
}

const startChildren = fromPromise<void, SupervisorWork>(({ input, signal }) => input.startChildren(signal));
const processNext = fromPromise<void, SupervisorWork>(({ input, signal }) => input.processNext(signal));
const stopChildren = fromPromise<void, SupervisorWork>(({ input }) => input.stopChildren());

/**
 * A supervisor's own lifecycle. Operations arrive in a mailbox kept by `Supervisor` and are
 * handled one at a time in `working`, like the messages of an OTP supervisor process: a child
 * exit that happens during a restart waits until that restart is finished.
 *
 *   starting → running ⇄ working → stopping → stopped
 *        ↘         ↘         ↘
 *                    escalating → failed
 *
 * Leaving `starting` or `working` aborts the invoked work's signal, so a stop interrupts a
 * backoff wait at once and no further child is started.
 */
export const supervisorMachine = setup({
  types: {
    context: {} as SupervisorContext,
    events: {} as SupervisorEvent,
    input: {} as SupervisorWork,
  },
  actors: { startChildren, processNext, stopChildren },
  actions: {
    report: ({ context }, state: LifecycleState) =>
      context.work.report(state, state === "failed" || state === "escalated" ? context.error : undefined),
    recordError: assign({ error: ({ event }) => ("error" in event ? toError(event.error) : new Error("supervisor failed")) }),
  },
  guards: {
    hasWork: ({ context }) => context.work.hasWork(),
  },
}).createMachine({
  id: "supervisor",
  context: ({ input }) => ({ work: input }),
  initial: "starting",
  states: {
    starting: {
      entry: { type: "report", params: "starting" },
      invoke: {
        src: "startChildren",
        input: ({ context }) => context.work,
        onDone: "running",
        onError: { target: "escalating", actions: "recordError" },
      },
      on: { STOP: "stopping" },
    },
    running: {
      entry: { type: "report", params: "running" },
      always: { guard: "hasWork", target: "working" },
      on: {
        WORK: { guard: "hasWork", target: "working" },
        STOP: "stopping",
      },
    },
    working: {
      invoke: {
        src: "processNext",
        input: ({ context }) => context.work,
        onDone: "running",
        onError: { target: "escalating", actions: "recordError" },
      },
      on: { STOP: "stopping" },
    },
    escalating: {
      entry: { type: "report", params: "escalated" },
      invoke: {
        src: "stopChildren",
        input: ({ context }) => context.work,
        onDone: "failed",
        onError: "failed",
      },
    },
    stopping: {
      entry: { type: "report", params: "stopping" },
      invoke: {
        src: "stopChildren",
        input: ({ context }) => context.work,
        onDone: "stopped",
        onError: { target: "failed", actions: "recordError" },
      },
    },
    stopped: { type: "final", entry: { type: "report", params: "stopped" } },
    failed: { type: "final", entry: { type: "report", params: "failed" } },
  },
});
