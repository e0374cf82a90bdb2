import { describe, expect, it } from "vitest";
import { defineActor } from "../../../src/runtime/define-actor.js";
import { NonRetryableError, PlexusError } from "../../../src/common/errors.js";
import { createProbeTree, supervisorSpec, workerSpec } from "../../../src/testing/probe-tree.js";
import { waitFor } from "../../helpers/wait.js";

const entries = (log: { type: string; path: string }[]): string[] => log.map((e) => `${e.type} ${e.path}`);

describe("supervisor: ordered start and stop", () => {
  it("starts children in order, each running before the next, and stops them in reverse", async () => {
    const { tree, probe, events } = createProbeTree({ root: supervisorSpec("root", [workerSpec("a"), workerSpec("b"), workerSpec("c")]) });
    await tree.start();
    expect(entries(probe.log)).toEqual(["start root/a", "start root/b", "start root/c"]);
    const order = events.filter((e) => e.path !== "root").map((e) => `${e.id}:${e.state}`);
    expect(order.slice(0, 6)).toEqual(["a:starting", "a:running", "b:starting", "b:running", "c:starting", "c:running"]);
    expect(tree.tree()).toMatchObject({
      id: "root",
      state: "running",
      children: [{ id: "a", state: "running", kind: "probe" }, { id: "b" }, { id: "c" }],
    });
    await tree.stop();
    await tree.stop(); // idempotent
    expect(entries(probe.since(3))).toEqual(["stop root/c", "stop root/b", "stop root/a"]);
    expect(await tree.done).toEqual({});
    expect(tree.tree().state).toBe("stopped");
  });

  it("rejects an invalid tree before anything starts, naming the path and the known kinds", () => {
    expect(() => createProbeTree({ root: supervisorSpec("root", [workerSpec("a", "nope")]) })).toThrow(
      /root\/a: kind: unknown actor kind "nope"; known kinds: probe, probe-machine/,
    );
    expect(() => createProbeTree({ root: supervisorSpec("root", [workerSpec("a"), workerSpec("a")]) })).toThrow(/used twice/);
  });
});

describe("supervisor: strategies", () => {
  it("one_for_one restarts only the crashed child and counts its restarts", async () => {
    const { tree, probe, events } = createProbeTree({ root: supervisorSpec("root", [workerSpec("a"), workerSpec("b")]) });
    await tree.start();
    const mark = probe.log.length;
    probe.crash("root/a");
    await waitFor(() => probe.startCount("root/a") === 2 && tree.tree().children?.[0]?.state === "running", "a restarted");
    expect(entries(probe.since(mark))).toEqual(["stop root/a", "start root/a"]);
    expect(tree.tree().children?.map((n) => n.restarts)).toEqual([1, 0]);
    expect(tree.tree().children?.[0]?.lastError).toMatch(/crashed on command/);
    const aEvents = events.filter((e) => e.id === "a").map((e) => e.state);
    expect(aEvents).toEqual(["starting", "running", "failed", "restarting", "starting", "running"]);
    expect(events.find((e) => e.id === "a" && e.state === "failed")?.error?.message).toMatch(/crashed on command/);
    await tree.stop();
  });

  it("one_for_all stops the others in reverse order and restarts all in order", async () => {
    const { tree, probe } = createProbeTree({
      root: supervisorSpec("root", [workerSpec("a"), workerSpec("b"), workerSpec("c")], { strategy: "one_for_all" }),
    });
    await tree.start();
    const mark = probe.log.length;
    probe.crash("root/b");
    await waitFor(() => probe.startCount("root/c") === 2, "c restarted");
    expect(entries(probe.since(mark))).toEqual([
      "stop root/b",
      "stop root/c",
      "stop root/a",
      "start root/a",
      "start root/b",
      "start root/c",
    ]);
    await tree.stop();
  });

  it("rest_for_one restarts the crashed child and the ones started after it", async () => {
    const { tree, probe } = createProbeTree({
      root: supervisorSpec("root", [workerSpec("a"), workerSpec("b"), workerSpec("c")], { strategy: "rest_for_one" }),
    });
    await tree.start();
    const mark = probe.log.length;
    probe.crash("root/b");
    await waitFor(() => probe.startCount("root/c") === 2, "c restarted");
    expect(entries(probe.since(mark))).toEqual(["stop root/b", "stop root/c", "start root/b", "start root/c"]);
    expect(probe.startCount("root/a")).toBe(1);
    await tree.stop();
  });
});

describe("supervisor: crashes arriving together", () => {
  it("handles exits one at a time, like a mailbox: each crashed child restarts once", async () => {
    const { tree, probe } = createProbeTree({ root: supervisorSpec("root", [workerSpec("a"), workerSpec("b"), workerSpec("c")]) });
    await tree.start();
    probe.crash("root/a");
    probe.crash("root/c");
    await waitFor(() => probe.running().length === 3 && tree.tree().children?.every((n) => n.state === "running"), "all running again");
    expect(tree.tree().children?.map((n) => n.restarts)).toEqual([1, 0, 1]);
    await tree.stop();
  });

  it("under one_for_all, a second crash of a child the first restart already replaced is stale and ignored", async () => {
    const { tree, probe } = createProbeTree({
      root: supervisorSpec("root", [workerSpec("a"), workerSpec("b")], { strategy: "one_for_all" }),
    });
    await tree.start();
    probe.crash("root/b");
    probe.crash("root/a");
    await waitFor(
      () => probe.running().length === 2 && tree.tree().state === "running" && tree.tree().children?.every((n) => n.state === "running"),
      "all running again",
    );
    const starts = probe.log.filter((e) => e.type === "start").length;
    const stops = probe.log.filter((e) => e.type === "stop").length;
    expect(starts - stops).toBe(2);
    await tree.stop();
    expect(probe.running()).toEqual([]);
  });
});

describe("supervisor: restart types", () => {
  it("never restarts a temporary child and removes it", async () => {
    const { tree, probe } = createProbeTree({
      root: supervisorSpec("root", [workerSpec("t", "probe", { restart: "temporary" }), workerSpec("b")]),
    });
    await tree.start();
    probe.crash("root/t");
    await waitFor(() => tree.tree().children?.length === 1, "temporary child removed");
    expect(probe.startCount("root/t")).toBe(1);
    expect(tree.tree().children?.[0]?.id).toBe("b");
    await tree.stop();
  });

  it("restarts a transient child after a failure but not after a normal exit (machine reached its final state)", async () => {
    const { tree, probe } = createProbeTree({ root: supervisorSpec("root", [workerSpec("m", "probe-machine", { restart: "transient" })]) });
    await tree.start();
    probe.explode("root/m");
    await waitFor(() => probe.startCount("root/m") === 2 && probe.isRunning("root/m"), "transient restarted after failure");
    probe.exitNormally("root/m");
    await waitFor(() => tree.tree().children?.[0]?.state === "stopped", "transient stopped after normal exit");
    expect(probe.isRunning("root/m")).toBe(false);
    expect(probe.startCount("root/m")).toBe(2);
    expect(tree.tree().children?.[0]?.restarts).toBe(1);
    await tree.stop();
  });

  it("restarts a permanent machine-form child after a normal exit", async () => {
    const { tree, probe } = createProbeTree({ root: supervisorSpec("root", [workerSpec("m", "probe-machine")]) });
    await tree.start();
    probe.exitNormally("root/m");
    await waitFor(() => probe.startCount("root/m") === 2 && probe.isRunning("root/m"), "permanent restarted after normal exit");
    await tree.stop();
    expect(probe.isRunning("root/m")).toBe(false);
  });
});

describe("supervisor: intensity and escalation", () => {
  it("escalates when restarts exceed intensity within the period: all children stopped, root fails with the reason", async () => {
    const { tree, probe, events } = createProbeTree({ root: supervisorSpec("root", [workerSpec("a"), workerSpec("b")], { intensity: 2 }) });
    await tree.start();
    for (let crash = 1; crash <= 2; crash += 1) {
      probe.crash("root/a");
      await waitFor(() => probe.startCount("root/a") === crash + 1 && probe.isRunning("root/a"), `restart ${crash}`);
    }
    probe.crash("root/a");
    const { reason } = await tree.done;
    expect(reason).toBeInstanceOf(PlexusError);
    expect(reason?.message).toMatch(/supervisor root gave up \(restart intensity exceeded\): more than 2 restarts within 30000 ms/);
    expect(probe.running()).toEqual([]);
    expect(events.filter((e) => e.path === "root").map((e) => e.state)).toContain("escalated");
    expect(tree.tree().state).toBe("failed");
  });

  it("escalates at once on a non-retryable error instead of burning the restart budget", async () => {
    const { tree, probe } = createProbeTree({ root: supervisorSpec("root", [workerSpec("a"), workerSpec("b")], { intensity: 100 }) });
    await tree.start();
    probe.crash("root/b", new NonRetryableError("port 5555 is owned by another process"));
    const { reason } = await tree.done;
    expect(reason?.message).toMatch(/non-retryable.*port 5555/);
    expect(probe.startCount("root/b")).toBe(1);
    expect(probe.running()).toEqual([]);
    expect(entries(probe.since(2))).toEqual(["stop root/b", "stop root/a"]);
  });

  it("a nested supervisor that gives up is a failed child of its parent, which restarts it", async () => {
    const inner = supervisorSpec("inner", [workerSpec("x"), workerSpec("y")], { intensity: 0 });
    const { tree, probe, events } = createProbeTree({ root: supervisorSpec("root", [workerSpec("a"), inner]) });
    await tree.start();
    probe.crash("root/inner/x");
    await waitFor(() => probe.startCount("root/inner/y") === 2 && probe.isRunning("root/inner/y"), "inner restarted by root");
    expect(events.filter((e) => e.path === "root/inner").map((e) => e.state)).toEqual([
      "starting",
      "running",
      "escalated",
      "failed",
      "restarting",
      "starting",
      "running",
    ]);
    const node = tree.tree().children?.[1];
    expect(node).toMatchObject({ id: "inner", type: "supervisor", kind: "one_for_one", state: "running", restarts: 1 });
    expect(node?.children?.map((c) => c.state)).toEqual(["running", "running"]);
    expect(probe.startCount("root/a")).toBe(1);
    await tree.stop();
    expect(probe.running()).toEqual([]);
  });

  it("a non-retryable failure deep in the tree escalates all the way up", async () => {
    const inner = supervisorSpec("inner", [workerSpec("x")]);
    const { tree, probe } = createProbeTree({ root: supervisorSpec("root", [inner], { intensity: 10 }) });
    await tree.start();
    probe.crash("root/inner/x", new NonRetryableError("config error"));
    const { reason } = await tree.done;
    expect(reason?.message).toMatch(/supervisor root gave up .*supervisor root\/inner gave up .*config error/);
  });
});

describe("supervisor: start failures", () => {
  it("counts a failing start as a failure and retries it", async () => {
    const { tree, probe } = createProbeTree({ root: supervisorSpec("root", [workerSpec("a"), workerSpec("b")]) });
    probe.behave("root/b", { startError: { error: new Error("not yet"), count: 2 } });
    await tree.start();
    expect(probe.isRunning("root/b")).toBe(true);
    expect(tree.tree().children?.[1]?.restarts).toBe(2);
    await tree.stop();
  });

  it("rejects start() when a child cannot start within the intensity, after stopping the started ones", async () => {
    const { tree, probe } = createProbeTree({ root: supervisorSpec("root", [workerSpec("a"), workerSpec("b")], { intensity: 1 }) });
    probe.behave("root/b", { startError: { error: new Error("database unreachable"), count: 5 } });
    await expect(tree.start()).rejects.toThrow(/gave up.*database unreachable/);
    expect(probe.running()).toEqual([]);
    expect((await tree.done).reason?.message).toMatch(/database unreachable/);
  });
});

describe("supervisor: stopping", () => {
  it("forces a child that does not stop within shutdownMs and goes on with the others", async () => {
    const { tree, probe, events } = createProbeTree({
      root: supervisorSpec("root", [workerSpec("a"), workerSpec("slow", "probe", { shutdownMs: 20 })]),
    });
    probe.behave("root/slow", { stopDelayMs: 5_000 });
    await tree.start();
    await tree.stop();
    expect(events.find((e) => e.id === "slow" && e.state === "failed")?.error?.message).toMatch(/root\/slow killed after shutdownMs=20/);
    expect(probe.isRunning("root/a")).toBe(false);
    expect(await tree.done).toEqual({});
  });

  it("a stop during a long backoff does not wait for it", async () => {
    const { tree, probe } = createProbeTree({
      root: supervisorSpec("root", [workerSpec("a")], { backoff: { minMs: 60_000, maxMs: 60_000, jitter: 0 } }),
    });
    await tree.start();
    probe.crash("root/a");
    await waitFor(() => tree.tree().children?.[0]?.state === "restarting", "a waiting in backoff");
    await tree.stop();
    expect(await tree.done).toEqual({});
    expect(probe.startCount("root/a")).toBe(1);
  });

  it("runs each stop function exactly once per start across many restarts (no leaked incarnations)", async () => {
    const { tree, probe } = createProbeTree({
      root: supervisorSpec("root", [workerSpec("a"), workerSpec("b")], { strategy: "one_for_all", intensity: 1_000 }),
    });
    await tree.start();
    for (let crash = 1; crash <= 20; crash += 1) {
      probe.crash(crash % 2 === 0 ? "root/a" : "root/b");
      await waitFor(() => probe.startCount("root/b") === crash + 1 && probe.isRunning("root/b"), `round ${crash}`);
    }
    await tree.stop();
    for (const path of ["root/a", "root/b"]) {
      const starts = probe.log.filter((e) => e.path === path && e.type === "start").map((e) => e.incarnation);
      const stops = probe.log.filter((e) => e.path === path && e.type === "stop").map((e) => e.incarnation);
      expect(stops).toEqual(starts);
    }
  });
});

describe("supervisor: dynamic children", () => {
  it("starts and stops children at run time, nested too", async () => {
    const { tree, probe } = createProbeTree({ root: supervisorSpec("root", [workerSpec("a"), supervisorSpec("group", [])]) });
    await tree.start();
    await tree.startChild("root", workerSpec("d"));
    await tree.startChild("root/group", workerSpec("g"));
    expect(probe.isRunning("root/d") && probe.isRunning("root/group/g")).toBe(true);
    expect(tree.tree().children?.map((c) => c.id)).toEqual(["a", "group", "d"]);
    probe.crash("root/d");
    await waitFor(() => probe.startCount("root/d") === 2 && probe.isRunning("root/d"), "dynamic child restarted");
    await expect(tree.startChild("root", workerSpec("d"))).rejects.toThrow(/already has a child "d"/);
    await expect(tree.startChild("root", workerSpec("e", "nope"))).rejects.toThrow(/unknown actor kind/);
    await expect(tree.startChild("root/missing", workerSpec("e"))).rejects.toThrow(/no running supervisor at "root\/missing"/);
    await expect(tree.stopChild("root", "zzz")).rejects.toThrow(/has no child "zzz"/);
    await tree.stopChild("root", "d");
    await tree.stopChild("root/group", "g");
    expect(probe.running()).toEqual(["root/a"]);
    expect(tree.tree().children?.map((c) => c.id)).toEqual(["a", "group"]);
    await tree.stop();
  });

  it("a dynamic child that fails to start is not kept and the caller gets the error", async () => {
    const broken = defineActor({
      kind: "broken",
      start() {
        throw new Error("cannot open /dev/nothing");
      },
    });
    const { tree } = createProbeTree({ root: supervisorSpec("root", []), kinds: [broken] });
    await tree.start();
    await expect(tree.startChild("root", workerSpec("x", "broken"))).rejects.toThrow(/cannot open/);
    expect(tree.tree().children).toEqual([]);
    await tree.stop();
  });

  it("refuses startChild once stopped", async () => {
    const { tree } = createProbeTree({ root: supervisorSpec("root", []) });
    await tree.start();
    await tree.stop();
    await expect(tree.startChild("root", workerSpec("late"))).rejects.toThrow(/stopping or stopped/);
  });
});
