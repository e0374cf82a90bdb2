import { assign, createActor, fromCallback, fromPromise, setup, type AnyActorRef, type AnyStateMachine } from "xstate";
import type { ActorContext, AnyActorDefinition } from "../actor-definition.js";
import type { LifecycleState } from "../lifecycle-types.js";
import type { Logger } from "../../common/logger.js";
import { toError } from "../../common/errors.js";
import { OnceRelease } from "./once-release.js";
import { shutdownTimeoutError } from "./child-instance.js";

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
  machine?: AnyStateMachine;
  error?: Error;
  stopRequested: boolean;
}

const STOP_REASON = Object.freeze(new Error("the actor is stopping: abandon pending work"));

export type HostedActorEvent = { type: "STOP" } | { type: "FAIL"; error: unknown } | { type: "EXIT" };

/** What `start` produced: how to release it, or the machine to run. */
type StartResult = { release: OnceRelease; machine?: AnyStateMachine };

/**
 * Runs the kind's `start(ctx)` (or builds its machine). If the hosted actor gave up waiting (stop
 * or failure past `shutdownMs`), a late stop function is still called so the late resources are
 * released rather than leaked.
 */
const startBody = fromPromise<StartResult, HostedActorInput>(async ({ input, signal }) => {
  const context = input.createContext();
  const definition = input.definition;
  // The machine form's release stops its actor; it is attached when `running` creates that actor.
  if (typeof definition.machine === "function") return { machine: definition.machine(context), release: new OnceRelease(undefined) };
  const stop = await definition.start(context);
  const release = new OnceRelease(typeof stop === "function" ? stop : undefined);
  if (signal.aborted) {
    input.log.warn({ actor: input.path }, "start finished after the actor was abandoned; releasing what it acquired now");
    void release
      .finished(input.shutdownMs, input.path)
      .catch((error: unknown) => input.log.error({ actor: input.path, err: error }, "late release failed"));
  }
  return { release };
});

/**
 * Holds what a running actor owns. Leaving `running` for any reason stops this callback actor,
 * whose cleanup releases the resources (start form) or stops the kind's machine (machine form).
 */
const holdResources = fromCallback<HostedActorEvent, { release?: OnceRelease; machine?: AnyStateMachine }>(({ input, sendBack }) => {
  if (input.machine) {
    const child = createActor(input.machine);
    child.subscribe({
      complete: () => sendBack({ type: "EXIT" }),
      error: (error: unknown) => {
        stopOrphanedChildren(child.getSnapshot().children);
        sendBack({ type: "FAIL", error });
      },
    });
    // Released explicitly by the transition that leaves `running` (xstate defers stopping invoked
    // actors to the end of the step, which would report the exit before the machine stopped).
    input.release?.attach(() => void child.stop());
    child.start();
    return () => child.stop();
  }
  const release = input.release;
  return () => release?.run();
});

/**
 * xstate v5 marks an actor that errored as stopped without stopping what it invoked or spawned
 * (its own source says so: "we can't stop them from here but we really should"), and `stop()` on
 * it is then a no-op. Those children would survive the failure, so they are stopped here with the
 * same internal stop event xstate sends when it stops a child; machine children stop theirs.
 */
function stopOrphanedChildren(children: Record<string, AnyActorRef | undefined>): void {
  for (const orphan of Object.values(children)) orphan?.send({ type: "xstate.stop" });
}

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
        EXIT: { target: "stopped", actions: ["abort", "release"] },
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
    // request (a start that threw, a machine that finished) so every incarnation ends aborted.
    stopped: { type: "final", entry: ["abort", { type: "report", params: "stopped" }] },
    failed: { type: "final", entry: ["abort", { type: "report", params: "failed" }] },
  },
});
