import { describe, expect, it } from "vitest";
import { assign, fromCallback, setup } from "xstate";
import { defineActor, type AnyActorDefinition } from "../../../src/runtime/define-actor.js";
import { HostedActor } from "../../../src/runtime/hosting/hosted-actor.js";
import type { LifecycleState } from "../../../src/runtime/lifecycle-types.js";
import { silentLogger } from "../../../src/common/logger.js";
import type { InstanceExit } from "../../../src/runtime/hosting/child-instance.js";
import { createTestContext } from "../../../src/testing/test-context.js";
import { waitFor } from "../../helpers/wait.js";

interface Hosted {
  actor: HostedActor;
  states: LifecycleState[];
  exits: InstanceExit[];
  signals: AbortSignal[];
  fail: (error: unknown) => void;
}

function host(definition: AnyActorDefinition, shutdownMs = 1_000): Hosted {
  const states: LifecycleState[] = [];
  const exits: InstanceExit[] = [];
  const signals: AbortSignal[] = [];
  let failFn: (error: unknown) => void = () => undefined;
  const actor = new HostedActor({
    definition,
    path: "root/under-test",
    shutdownMs,
    log: silentLogger(),
    makeContext: ({ signal, fail }) => {
      signals.push(signal);
      failFn = fail;
      return createTestContext({ signal, fail });
    },
    hooks: { report: (state) => states.push(state), exited: (exit) => exits.push(exit) },
  });
  return { actor, states, exits, signals, fail: (error) => failFn(error) };
}

describe("hosted actor: start form", () => {
  it("runs starting → running → stopping → stopped, calls the stop function once and aborts the signal", async () => {
    let stops = 0;
    const hosted = host(defineActor({ kind: "t", start: () => () => void (stops += 1) }));
    await hosted.actor.start();
    expect(hosted.actor.state).toBe("running");
    expect(hosted.signals[0]?.aborted).toBe(false);
    await hosted.actor.stop();
    await hosted.actor.stop();
    expect(hosted.states).toEqual(["starting", "running", "stopping", "stopped"]);
    expect(stops).toBe(1);
    expect(hosted.signals[0]?.aborted).toBe(true);
    expect(hosted.exits).toEqual([{ reason: "shutdown" }]);
  });

  it("fails when start throws or rejects, and start() rejects with that error", async () => {
    const thrown = host(
      defineActor({
        kind: "t",
        start() {
          throw new Error("bad options");
        },
      }),
    );
    await expect(thrown.actor.start()).rejects.toThrow("bad options");
    expect(thrown.states).toEqual(["starting", "failed"]);
    const rejected = host(defineActor({ kind: "t", start: async () => Promise.reject(new Error("no socket")) }));
    await expect(rejected.actor.start()).rejects.toThrow("no socket");
    expect(rejected.exits).toEqual([{ reason: "failure", error: new Error("no socket") }]);
  });

  it("ctx.fail while running releases the resources, then fails with the error", async () => {
    let stops = 0;
    const hosted = host(defineActor({ kind: "t", start: () => async () => void (stops += 1) }));
    await hosted.actor.start();
    hosted.fail(new Error("lost connection"));
    await waitFor(() => hosted.actor.state === "failed", "failed");
    expect(stops).toBe(1);
    expect(hosted.actor.error?.message).toBe("lost connection");
    expect(hosted.signals[0]?.aborted).toBe(true);
    expect(hosted.exits).toEqual([{ reason: "failure", error: new Error("lost connection") }]);
    hosted.fail(new Error("late")); // ignored: the incarnation is over
    expect(hosted.states).toEqual(["starting", "running", "failed"]);
  });

  it("ctx.fail during start waits for start to finish, releases what it acquired, and fails", async () => {
    let stops = 0;
    let finishStart!: () => void;
    const hosted = host(
      defineActor({
        kind: "t",
        start: async (ctx) => {
          ctx.fail(new Error("failed while starting"));
          await new Promise<void>((resolve) => (finishStart = resolve));
          return () => void (stops += 1);
        },
      }),
    );
    const started = hosted.actor.start();
    await waitFor(() => finishStart !== undefined, "start entered");
    expect(hosted.signals[0]?.aborted).toBe(true);
    finishStart();
    await expect(started).rejects.toThrow("failed while starting");
    expect(stops).toBe(1);
  });

  it("forces a stop function that outlives shutdownMs and reports it killed", async () => {
    const hosted = host(defineActor({ kind: "t", start: () => () => new Promise<void>(() => undefined) }), 25);
    await hosted.actor.start();
    await hosted.actor.stop();
    expect(hosted.actor.state).toBe("failed");
    expect(hosted.actor.error?.message).toMatch(/root\/under-test killed after shutdownMs=25/);
    expect(hosted.exits[0]).toMatchObject({ reason: "shutdown", error: { code: "SHUTDOWN_TIMEOUT" } });
  });

  it("a stop during a start that hangs is forced after shutdownMs; a late stop function is still called", async () => {
    let stops = 0;
    let finishStart!: () => void;
    const hosted = host(
      defineActor({
        kind: "t",
        start: async () => {
          await new Promise<void>((resolve) => (finishStart = resolve));
          return () => void (stops += 1);
        },
      }),
      25,
    );
    const started = hosted.actor.start();
    await waitFor(() => finishStart !== undefined, "start entered");
    await hosted.actor.stop();
    await expect(started).rejects.toThrow(/killed after shutdownMs=25/);
    finishStart();
    await waitFor(() => stops === 1, "late release");
  });

  it("a stop function that throws makes the stop end in failed, with the error", async () => {
    const hosted = host(
      defineActor({
        kind: "t",
        start: () => () => {
          throw new Error("close failed");
        },
      }),
    );
    await hosted.actor.start();
    await hosted.actor.stop();
    expect(hosted.states).toEqual(["starting", "running", "stopping", "failed"]);
    expect(hosted.actor.error?.message).toBe("close failed");
  });
});

describe("hosted actor: machine form", () => {
  const events = { finish: { type: "FINISH" }, explode: { type: "EXPLODE" } } as const;
  function machineKind(released: string[]): AnyActorDefinition {
    return defineActor({
      kind: "m",
      machine: () =>
        setup({
          types: { events: {} as { type: "FINISH" } | { type: "EXPLODE" }, context: {} as { n: number } },
          actors: {
            resource: fromCallback(({ sendBack }) => {
              controls.send = sendBack;
              return () => released.push("released");
            }),
          },
        }).createMachine({
          context: { n: 0 },
          initial: "working",
          states: {
            working: {
              invoke: { src: "resource" },
              on: {
                FINISH: "done",
                EXPLODE: {
                  actions: assign(() => {
                    throw new Error("machine action exploded");
                  }),
                },
              },
            },
            done: { type: "final" },
          },
        }),
    });
  }
  const controls: { send?: (event: { type: "FINISH" } | { type: "EXPLODE" }) => void } = {};

  it("its final state is a normal exit", async () => {
    const released: string[] = [];
    const hosted = host(machineKind(released));
    await hosted.actor.start();
    controls.send?.(events.finish);
    await waitFor(() => hosted.actor.state === "stopped", "stopped");
    expect(hosted.exits).toEqual([{ reason: "normal" }]);
    expect(released).toEqual(["released"]);
  });

  it("an error in its logic is a failure", async () => {
    const released: string[] = [];
    const hosted = host(machineKind(released));
    await hosted.actor.start();
    controls.send?.(events.explode);
    await waitFor(() => hosted.actor.state === "failed", "failed");
    expect(hosted.actor.error?.message).toBe("machine action exploded");
    expect(hosted.exits[0]?.reason).toBe("failure");
    expect(released).toEqual(["released"]);
  });

  it("stopping it stops the machine and what it invoked", async () => {
    const released: string[] = [];
    const hosted = host(machineKind(released));
    await hosted.actor.start();
    await hosted.actor.stop();
    expect(hosted.states).toEqual(["starting", "running", "stopping", "stopped"]);
    expect(released).toEqual(["released"]);
  });
});
