import { describe, expect, it } from "vitest";
import { createRuntime, defineActor, type LifecycleEvent } from "../../src/index.js";
import { silentLogger } from "../../src/common/logger.js";
import { runtimeScope } from "../helpers/runtime-scope.js";
import { waitFor } from "../helpers/wait.js";

const echo = defineActor({
  kind: "echo",
  options: { type: "object", properties: { from: { type: "string" }, to: { type: "string" } }, required: ["from", "to"] },
  async start(ctx) {
    await ctx.bus.subscribe<{ n: number }>(ctx.options.from, async (envelope) => {
      await ctx.bus.publish(ctx.options.to, { n: envelope.payload.n, by: ctx.id });
    });
  },
});

const crashy = defineActor({
  kind: "crashy",
  start(ctx) {
    const timer = setTimeout(() => ctx.fail(new Error("boom")), 5);
    return () => clearTimeout(timer);
  },
});

const scope = runtimeScope("plexus-runtime-");

describe("createRuntime (embedding)", () => {
  it("runs a tree from an object config, moves messages on the bus and reports lifecycle events", async () => {
    const events: LifecycleEvent[] = [];
    scope.runtime = createRuntime({
      logger: silentLogger(),
      kinds: [echo],
      config: {
        runtime: { name: "embedded", ops: { port: 0 }, stateDir: await scope.stateDir() },
        children: [
          { id: "echo-a", kind: "echo", options: { from: "in.a", to: "out.a" } },
          {
            id: "group",
            supervisor: { strategy: "rest_for_one" },
            children: [{ id: "echo-b", kind: "echo", options: { from: "in.b", to: "out.b" } }],
          },
        ],
      },
    });
    scope.runtime.on("lifecycle", (event) => events.push(event));
    await scope.runtime.start();
    expect(scope.runtime.state).toBe("running");

    const seen: unknown[] = [];
    await scope.runtime.bus.subscribe("out.*", (envelope) => void seen.push(envelope.payload));
    await scope.runtime.bus.publish("in.a", { n: 1 });
    await scope.runtime.bus.publish("in.b", { n: 2 });
    await waitFor(() => seen.length === 2, "both echoes");
    expect(seen).toEqual(
      expect.arrayContaining([
        { n: 1, by: "echo-a" },
        { n: 2, by: "echo-b" },
      ]),
    );

    const tree = scope.runtime.tree();
    expect(tree.children?.map((child) => [child.id, child.state])).toEqual([
      ["echo-a", "running"],
      ["group", "running"],
    ]);
    expect(events.some((event) => event.id === "echo-b" && event.state === "running")).toBe(true);

    const health = await fetch(`${scope.runtime.opsAddress!.url}/health`);
    expect(health.status).toBe(200);

    await scope.runtime.stop();
    expect(scope.runtime.state).toBe("stopped");
    const stops = events.filter((event) => event.state === "stopped").map((event) => event.id);
    // Reverse start order: the group (and its child) stop before echo-a.
    expect(stops.indexOf("echo-b")).toBeLessThan(stops.indexOf("echo-a"));
  });

  it("stops with the reason when the root supervisor gives up", async () => {
    scope.runtime = createRuntime({
      logger: silentLogger(),
      kinds: [crashy],
      config: {
        runtime: { name: "doomed", ops: { enabled: false }, stateDir: await scope.stateDir() },
        supervisor: { strategy: "one_for_one", intensity: 2, period: "10s", backoff: { min: 0, max: 0, jitter: 0 } },
        children: [{ id: "crashy", kind: "crashy" }],
      },
    });
    await scope.runtime.start();
    const { reason } = await scope.runtime.done;
    expect(reason).toBeInstanceOf(Error);
    expect(scope.runtime.state).toBe("failed");
  });

  it("rejects start with every config problem listed", async () => {
    scope.runtime = createRuntime({
      logger: silentLogger(),
      config: {
        runtime: { ops: { enabled: false } },
        children: [
          { id: "x", kind: "nope" },
          { id: "y", kind: "heartbeat", options: { everyMs: -1 } },
        ],
      },
    });
    await expect(scope.runtime.start()).rejects.toThrow(
      /2 problems[\s\S]*unknown kind .nope.; known kinds: capability-monitor, curiosity, exploration-monitor, heartbeat, integration-monitor, knowledge-monitor, lifecycle-controller, proxy, registry[\s\S]*children\[1\]\.options\.everyMs/,
    );
  });

  it("starts and stops dynamic children, checking their options like configured ones", async () => {
    scope.runtime = createRuntime({
      logger: silentLogger(),
      kinds: [echo],
      config: { runtime: { name: "dynamic", ops: { enabled: false }, stateDir: await scope.stateDir() }, children: [] },
    });
    await scope.runtime.start();
    await expect(
      scope.runtime.startChild("root", { id: "bad", kind: "echo", restart: "permanent", shutdown: "1s", options: { from: "x" } }),
    ).rejects.toThrow(/^startChild\("root"\): options\.to: required key 'to' is missing$/);
    await scope.runtime.startChild("root", {
      id: "late",
      kind: "echo",
      restart: "permanent",
      shutdown: 1000,
      options: { from: "late.in", to: "late.out" },
    });
    expect(scope.runtime.tree().children?.map((child) => [child.id, child.state])).toEqual([["late", "running"]]);
    const seen: unknown[] = [];
    await scope.runtime.bus.subscribe("late.out", (envelope) => void seen.push(envelope.payload));
    await scope.runtime.bus.publish("late.in", { n: 7 });
    await waitFor(() => seen.length === 1, "the dynamic child to answer");
    await scope.runtime.stopChild("root", "late");
    expect(scope.runtime.tree().children ?? []).toEqual([]);
  });

  it("starts a dynamic child written as a config file's children[] entry, with defaults and checks", async () => {
    const seenOptions: unknown[] = [];
    const recorder = defineActor({
      kind: "recorder",
      options: { type: "object", properties: { label: { type: "string", default: "rec" }, every: { type: "integer" } } },
      start(ctx) {
        seenOptions.push(ctx.options);
      },
    });
    scope.runtime = createRuntime({ logger: silentLogger(), kinds: [recorder], config: { runtime: { stateDir: await scope.stateDir() } } });
    await scope.runtime.start();
    await scope.runtime.startChild("root", { id: "r", kind: "recorder", shutdown: "2s", options: { every: 3 } });
    expect(seenOptions).toEqual([{ every: 3, label: "rec" }]);
    expect(scope.runtime.tree().children?.map((child) => [child.id, child.state])).toEqual([["r", "running"]]);
    await expect(
      scope.runtime.startChild("root", { id: "s", kind: "recorder", shutdown: "2 parsecs", restart: "always" } as never),
    ).rejects.toThrow(
      /^startChild\("root"\): 2 problems\n {2}restart: expected one of permanent, transient, temporary, got "always"\n {2}shutdown: expected a duration/,
    );
  });

  it("closes a crashed actor's subscriptions, so its restart does not double deliveries", async () => {
    let incarnations = 0;
    const handled: string[] = [];
    const flaky = defineActor({
      kind: "flaky",
      async start(ctx) {
        const incarnation = ++incarnations;
        await ctx.bus.subscribe("work.item", () => void handled.push(`incarnation-${incarnation}`));
        if (incarnation === 1) setImmediate(() => ctx.fail(new Error("first incarnation crashes")));
      },
    });
    scope.runtime = createRuntime({
      logger: silentLogger(),
      kinds: [flaky],
      config: {
        runtime: { name: "flaky", ops: { enabled: false }, stateDir: await scope.stateDir() },
        supervisor: { backoff: { min: 0, max: 0, jitter: 0 } },
        children: [{ id: "flaky", kind: "flaky" }],
      },
    });
    await scope.runtime.start();
    await waitFor(() => incarnations === 2 && scope.runtime!.tree().children?.[0]?.state === "running", "the restart");
    await scope.runtime.bus.publish("work.item", {});
    await waitFor(() => handled.length >= 1, "a delivery");
    await scope.runtime.bus.publish("work.item", {});
    await waitFor(() => handled.length >= 2, "a second delivery");
    expect(handled).toEqual(["incarnation-2", "incarnation-2"]);
  });
});
