import { describe, expect, it } from "vitest";
import { defineActor } from "../../../src/runtime/define-actor.js";
import type { Strategy } from "../../../src/runtime/supervision/child-spec.js";
import { createProbeTree, supervisorSpec, workerSpec } from "../../../src/testing/probe-tree.js";
import { waitFor } from "../../helpers/wait.js";

/**
 * A kind whose restarts (every start after the first of a path) wait at a gate the test opens,
 * counting how many wait at once: overlapping restarts show as more than one.
 */
function gatedKind() {
  const starts = new Map<string, number>();
  const crashers = new Map<string, () => void>();
  const waiting = new Set<string>();
  let open!: () => void;
  const gate = new Promise<void>((resolve) => (open = resolve));
  let mostAtOnce = 0;
  const definition = defineActor({
    kind: "gated",
    async start(ctx) {
      const count = (starts.get(ctx.path) ?? 0) + 1;
      starts.set(ctx.path, count);
      if (count > 1) {
        waiting.add(ctx.path);
        mostAtOnce = Math.max(mostAtOnce, waiting.size);
        await gate;
        waiting.delete(ctx.path);
      }
      crashers.set(ctx.path, () => ctx.fail(new Error(`${ctx.path} crashed`)));
    },
  });
  return {
    definition,
    crash: (path: string) => crashers.get(path)?.(),
    open: () => open(),
    waiting: () => waiting.size,
    mostAtOnce: () => mostAtOnce,
    starts: (path: string) => starts.get(path) ?? 0,
  };
}

function treeOf(strategy: Strategy, ids: string[], gated: ReturnType<typeof gatedKind>, backoffMs = 0) {
  return createProbeTree({
    root: supervisorSpec(
      "root",
      ids.map((id) => workerSpec(id, "gated")),
      { strategy, intensity: 1_000, backoff: { minMs: backoffMs, maxMs: backoffMs, jitter: 0 } },
    ),
    kinds: [gated.definition],
  });
}

describe("supervisor: restarts of independent children overlap", () => {
  it("one_for_one children that crash together restart concurrently, each after its own backoff", async () => {
    const gated = gatedKind();
    const ids = ["a", "b", "c", "d"];
    const { tree } = treeOf("one_for_one", ids, gated, 50);
    await tree.start();
    for (const id of ids) gated.crash(`root/${id}`);
    // Every crashed child is in its restart at the same time: none waits for another's.
    await waitFor(
      () => gated.waiting() === ids.length,
      () => `all four restarts at once (${gated.waiting()} waiting)`,
      10_000,
    );
    gated.open();
    await waitFor(() => tree.tree().children?.every((child) => child.state === "running"), "all running again");
    expect(tree.tree().children?.map((child) => child.restarts)).toEqual([1, 1, 1, 1]);
    expect(tree.tree().state).toBe("running");
    await tree.stop();
  });

  it("a crash while another one_for_one child is still restarting is handled at once", async () => {
    const gated = gatedKind();
    const { tree } = treeOf("one_for_one", ["a", "b"], gated);
    await tree.start();
    gated.crash("root/a");
    await waitFor(() => gated.waiting() === 1, "a to be restarting");
    gated.crash("root/b");
    await waitFor(() => gated.waiting() === 2, "b's restart to begin while a's is not finished", 10_000);
    gated.open();
    await waitFor(() => tree.tree().children?.every((child) => child.state === "running"), "both running again");
    await tree.stop();
  });

  for (const strategy of ["one_for_all", "rest_for_one"] as const) {
    it(`${strategy} restarts stay ordered: one restart at a time, in start order`, async () => {
      const gated = gatedKind();
      const { tree, events } = treeOf(strategy, ["a", "b", "c"], gated);
      await tree.start();
      gated.crash("root/a");
      await waitFor(() => gated.waiting() === 1, "the first restarted child to be starting");
      gated.open();
      await waitFor(() => tree.tree().children?.every((child) => child.state === "running") && gated.starts("root/c") === 2, "all again");
      expect(gated.mostAtOnce()).toBe(1);
      const order = events.filter((event) => event.state === "running" && event.path !== "root").map((event) => event.id);
      expect(order.slice(3)).toEqual(["a", "b", "c"]);
      await tree.stop();
    });
  }

  it("a stop while restarts wait for their backoff or their start leaves nothing running", async () => {
    const gated = gatedKind();
    const { tree } = treeOf("one_for_one", ["a", "b", "c"], gated, 60_000);
    await tree.start();
    gated.crash("root/a");
    gated.crash("root/b");
    await waitFor(() => tree.tree().children?.filter((child) => child.state === "restarting").length === 2, "two in backoff");
    await tree.stop();
    expect(await tree.done).toEqual({});
    expect(gated.starts("root/a")).toBe(1);
    expect(gated.starts("root/b")).toBe(1);
    expect(tree.tree().state).toBe("stopped");
  });
});
