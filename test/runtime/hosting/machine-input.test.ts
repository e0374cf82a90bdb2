import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { createActor, setup } from "xstate";
import { HostedActor } from "../../../src/runtime/hosting/hosted-actor.js";
import { defineActor, type AnyActorDefinition, type MachineKindInput } from "../../../src/runtime/define-actor.js";
import { forwardBusEvents } from "../../../src/runtime/hosting/forward-bus-events.js";
import { createRuntime } from "../../../src/create-runtime.js";
import { silentLogger } from "../../../src/common/logger.js";
import { createTestContext } from "../../../src/testing/test-context.js";
import { waitFor } from "../../helpers/wait.js";

const hosted: HostedActor[] = [];
afterEach(async () => {
  for (const actor of hosted.splice(0)) await actor.stop();
});

function host(definition: AnyActorDefinition, options: Record<string, unknown>): HostedActor {
  const actor = new HostedActor({
    definition,
    path: "root/under-test",
    shutdownMs: 1_000,
    log: silentLogger(),
    makeContext: ({ signal, fail }) => createTestContext({ id: "under-test", options, signal, fail }),
    hooks: { report: () => undefined, exited: () => undefined },
  });
  hosted.push(actor);
  return actor;
}

describe("machine kinds: input", () => {
  it("gets { id, options } by default, as setup({ types: { input } }) declares it", async () => {
    const inputs: unknown[] = [];
    const kind = defineActor({
      kind: "with-input",
      options: { type: "object", properties: { size: { type: "integer", default: 3 } } },
      machine: () =>
        setup({ types: { input: {} as MachineKindInput<{ size: number }>, context: {} as { size: number } } }).createMachine({
          context: ({ input }) => (inputs.push(input), { size: input.options.size }),
        }),
    });
    await host(kind, { size: 7 }).start();
    expect(inputs).toEqual([{ id: "under-test", options: { size: 7 } }]);
  });

  it("gets what the kind's input(ctx) returns when it has one", async () => {
    const inputs: unknown[] = [];
    const kind = defineActor({
      kind: "custom-input",
      options: { type: "object", properties: { size: { type: "integer", default: 3 } } },
      input: (ctx) => ({ capacity: ctx.options.size * 2, owner: ctx.path }),
      machine: () =>
        setup({ types: { input: {} as { capacity: number; owner: string } } }).createMachine({
          context: ({ input }) => (inputs.push(input), {}),
        }),
    });
    await host(kind, { size: 4 }).start();
    expect(inputs).toEqual([{ capacity: 8, owner: "root/under-test" }]);
  });

  it("fails to start, without a restart loop of its own, when the machine errors on its first step", async () => {
    const kind = defineActor({
      kind: "broken-entry",
      machine: () =>
        setup({
          actions: {
            explode: () => {
              throw new Error("entry exploded");
            },
          },
        }).createMachine({ entry: "explode" }),
    });
    const actor = host(kind, {});
    await expect(actor.start()).rejects.toThrow("entry exploded");
    expect(actor.state).toBe("failed");
  });
});

describe("forwardBusEvents from a start-form kind", () => {
  it("feeds the kind's own actor from ctx.bus, and the subscriptions close with the kind", async () => {
    const counted: number[] = [];
    const mapped: string[] = [];
    const counterMachine = setup({ types: { events: {} as { type: "ADD"; n: number }, context: {} as { total: number } } }).createMachine({
      context: { total: 0 },
      on: { ADD: { actions: ({ context, event }) => void counted.push((context.total += event.n)) } },
    });
    const kind = defineActor({
      kind: "adder",
      async start(ctx) {
        const actor = createActor(counterMachine).start();
        await forwardBusEvents(
          ctx.bus,
          actor,
          { "numbers.*": (envelope) => (mapped.push(envelope.topic), { type: "ADD", n: Number(envelope.payload) }) },
          { log: ctx.log },
        );
        return () => void actor.stop();
      },
    });
    const runtime = createRuntime({
      logger: silentLogger(),
      kinds: [kind],
      config: {
        runtime: { ops: { enabled: false }, stateDir: join(tmpdir(), "plexus-unused-state") },
        children: [{ id: "adder", kind: "adder" }],
      },
    });
    await runtime.start();
    try {
      await runtime.bus.publish("numbers.a", 2);
      await runtime.bus.publish("numbers.b", 3);
      await waitFor(() => counted.length === 2, "both numbers");
      expect(counted).toEqual([2, 5]);

      await runtime.stopChild("root", "adder");
      const witnessed: string[] = [];
      await runtime.bus.subscribe("numbers.*", (envelope) => void witnessed.push(envelope.topic));
      await runtime.bus.publish("numbers.late", 100);
      await runtime.bus.publish("numbers.witness", 0);
      await waitFor(() => witnessed.includes("numbers.witness"), "the witness message");
      expect(witnessed).toEqual(["numbers.late", "numbers.witness"]);
      expect(mapped).toEqual(["numbers.a", "numbers.b"]);
    } finally {
      await runtime.stop();
    }
  });
});
