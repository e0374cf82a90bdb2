import { assign, fromCallback, fromPromise, setup } from "xstate";
import type { ActorContext } from "../actor-context.js";
import type { AnyActorDefinition } from "../define-actor.js";
import type { LifecycleState } from "../lifecycle-types.js";
import type { Logger } from "../../common/logger.js";
import { toError } from "../../common/errors.js";
import { OnceRelease } from "./once-release.js";
import { shutdownTimeoutError } from "./child-instance.js";
import { HostedMachine } from "./hosted-machine.js";

/** What the hosted lifecycle machine needs from its wrapper. */
export interface HostedActorInput {
  definition: AnyActorDefinition;
  path: string;
  shutdownMs: number;
  log: Logger;
  controller: AbortController;
  /** Builds the actor's context; called inside `starting`, so a throw is a start failure. */
  createContext(): ActorContext;
  /** Called on entering each reported state. */
  report(state: LifecycleState, error?: Error): void;
}

interface HostedContext {
  input: HostedActorInput;
  release?: OnceRelease;
  machine?: HostedMachine;
  error?: Error;
  stopRequested: boolean;
}

const STOP_REASON = Object.freeze(new Error("the actor is stopping: abandon pending work"));

/**
 * Why an incarnation's `ctx.signal` was aborted: its failure, or undefined while it runs and when
 * it was asked to stop (or its machine finished).
 */
export function failureOf(signal: AbortSignal): Error | undefined {
  if (!signal.aborted || signal.reason === STOP_REASON) return undefined;
  return toError(signal.reason);
}

export type HostedActorEvent = { type: "STOP" } | { type: "FAIL"; error: unknown } | { type: "EXIT" };

/** What `start` produced: how to release it, and for the machine form the running machine. */
type StartResult = { release: OnceRelease; machine?: HostedMachine };

/**
 * Runs the kind's `start(ctx)`, or starts its machine (see HostedMachine). If the hosted actor
 * gave up waiting (stop or failure past `shutdownMs`), a late stop function is still called so
 * the late resources are released rather than leaked.
 */
const startBody = fromPromise<StartResult, HostedActorInput>(async ({ input, signal }) => {
  const context = input.createContext();
  const definition = input.definition;
  let result: StartResult;
  if (typeof definition.machine === "function") {
    const machine = await HostedMachine.start(definition, context);
    result = { machine, release: new OnceRelease(() => machine.stop()) };
  } else {
    const stop = await definition.start(context);
    result = { release: new OnceRelease(typeof stop === "function" ? stop : undefined) };
  }
  if (signal.aborted) {
    input.log.warn({ actor: input.path }, "start finished after the actor was abandoned; releasing what it acquired now");
    void result.release
      .finished(input.shutdownMs, input.path)
      .catch((error: unknown) => input.log.error({ actor: input.path, err: error }, "late release failed"));
  }
  return result;
});

/**
 * Holds what a running actor owns. Leaving `running` for any reason stops this callback actor,
 * whose cleanup releases the resources (start form) or stops the kind's machine (machine form);
 * the transitions that leave `running` also release explicitly, because xstate stops invoked
 * actors only at the end of the step, which would report the exit before the release began.
 */
const holdResources = fromCallback<HostedActorEvent, { release?: OnceRelease; machine?: HostedMachine }>(({ input, sendBack }) => {
  input.machine?.onEnd((end) => sendBack(end.type === "done" ? { type: "EXIT" } : { type: "FAIL", error: end.error }));
  const release = input.release;
  return () => release?.run();
});

/** Waits for the release started on leaving `running`, within `shutdownMs`. */
const awaitRelease = fromPromise<void, { release?: OnceRelease; shutdownMs: number; path: string }>(async ({ input }) => {
  await input.release?.finished(input.shutdownMs, input.path);
});

/**
 * The lifecycle of one hosted actor:
 *
 *   starting → running → stopping → stopped
 *        ↘        ↘  failing  ↘
 *                          failed (carries the error)
 *
 * `starting` never leaves before the start promise settles (unless `shutdownMs` passes after a
 * stop or failure request), because leaving early would lose the stop function it returns.
 */
export const hostedActorMachine = setup({
  types: {
    context: {} as HostedContext,
    events: {} as HostedActorEvent,
    input: {} as HostedActorInput,
  },
  actors: { startBody, holdResources, awaitRelease },
  actions: {
    report: ({ context }, state: LifecycleState) => context.input.report(state, state === "failed" ? context.error : undefined),
    // The reason is the failure itself, or a shared stop reason: a reason-less abort() builds a
    // DOMException with a stack trace, which costs more than the rest of a trivial actor's stop.
    abort: ({ context }) => context.input.controller.abort(context.error ?? STOP_REASON),
    release: ({ context }) => context.release?.run(),
    recordReleaseError: assign({ error: ({ context }) => context.release?.error }),
    logReleaseError: ({ context, event }) =>
      context.input.log.error(
        { actor: context.input.path, err: context.release?.error ?? ("error" in event ? event.error : undefined) },
        "releasing a failed actor failed too",
      ),
    recordFailure: assign({
      error: ({ context, event }) => context.error ?? (event.type === "FAIL" ? toError(event.error) : undefined),
    }),
    recordStop: assign({ stopRequested: true }),
  },
  guards: {
    hasFailed: ({ context }) => context.error !== undefined,
    stopRequested: ({ context }) => context.stopRequested,
    releaseDone: ({ context }) => context.release === undefined || context.release.outcome === "done",
    releaseFailed: ({ context }) => context.release?.outcome === "failed",
  },
  delays: {
    shutdown: ({ context }) => context.input.shutdownMs,
  },
}).createMachine({
  id: "hosted",
  context: ({ input }) => ({ input, stopRequested: false }),
  initial: "starting",
  states: {
    starting: {
      entry: { type: "report", params: "starting" },
      invoke: {
        src: "startBody",
        input: ({ context }) => context.input,
        onDone: [
          { guard: "hasFailed", target: "failing", actions: [assign(({ event }) => ({ ...event.output })), "release"] },
          { guard: "stopRequested", target: "stopping", actions: [assign(({ event }) => ({ ...event.output })), "release"] },
          { target: "running", actions: assign(({ event }) => ({ ...event.output })) },
        ],
        onError: {
          target: "failed",
          actions: assign({ error: ({ context, event }) => context.error ?? toError(event.error) }),
        },
      },
      initial: "pending",
      states: {
        pending: {
          on: {
            FAIL: { target: "cancelling", actions: ["recordFailure", "abort"] },
            STOP: { target: "cancelling", actions: ["recordStop", "abort"] },
          },
        },
        cancelling: {
          on: { FAIL: { actions: "recordFailure" }, STOP: { actions: "recordStop" } },
          after: {
            shutdown: {
              target: "#hosted.failed",
              actions: assign({
                error: ({ context }) => context.error ?? shutdownTimeoutError(context.input.path, context.input.shutdownMs),
              }),
            },
          },
        },
      },
    },
    running: {
      entry: { type: "report", params: "running" },
      invoke: {
        src: "holdResources",
        input: ({ context }) => ({ release: context.release, machine: context.machine }),
      },
      on: {
        STOP: { target: "stopping", actions: ["recordStop", "abort", "release"] },
        FAIL: { target: "failing", actions: ["recordFailure", "abort", "release"] },
        // A finished machine is released like a stopped actor (its final snapshot may be saving),
        // so it passes through `stopping`; not asked to stop, it exits normally.
        EXIT: { target: "stopping", actions: ["abort", "release"] },
      },
    },
    stopping: {
      entry: { type: "report", params: "stopping" },
      initial: "releasing",
      states: {
        // The stop function already ran (on leaving running); most return synchronously, and
        // then no invoked wait (and no timer) is needed.
        releasing: {
          always: [
            { guard: "releaseDone", target: "#hosted.stopped" },
            { guard: "releaseFailed", target: "#hosted.failed", actions: "recordReleaseError" },
            { target: "waiting" },
          ],
        },
        waiting: {
          invoke: {
            src: "awaitRelease",
            input: ({ context }) => ({ release: context.release, shutdownMs: context.input.shutdownMs, path: context.input.path }),
            onDone: { target: "#hosted.stopped" },
            onError: { target: "#hosted.failed", actions: assign({ error: ({ event }) => toError(event.error) }) },
          },
        },
      },
    },
    failing: {
      on: { STOP: { actions: "recordStop" } },
      initial: "releasing",
      states: {
        releasing: {
          always: [
            { guard: "releaseDone", target: "#hosted.failed" },
            { guard: "releaseFailed", target: "#hosted.failed", actions: "logReleaseError" },
            { target: "waiting" },
          ],
        },
        waiting: {
          invoke: {
            src: "awaitRelease",
            input: ({ context }) => ({ release: context.release, shutdownMs: context.input.shutdownMs, path: context.input.path }),
            onDone: { target: "#hosted.failed" },
            onError: { target: "#hosted.failed", actions: "logReleaseError" },
          },
        },
      },
    },
    // Aborting again is a no-op; it covers the ends that did not pass through a stop or failure
    // request (a start that threw) so every incarnation ends aborted.
    stopped: { type: "final", entry: ["abort", { type: "report", params: "stopped" }] },
    failed: { type: "final", entry: ["abort", { type: "report", params: "failed" }] },
  },
});
