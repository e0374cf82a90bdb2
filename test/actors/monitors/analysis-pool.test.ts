import { getEventListeners } from "node:events";
import { afterEach, describe, expect, it } from "vitest";
import { AnalysisPool, type AnalysisPoolOptions } from "../../../src/actors/monitors/analysis-pool.js";
import { waitFor } from "../../helpers/wait.js";

const probe = new URL("../../fixtures/monitors/probe-analysis.ts", import.meta.url).href;
const marker = new URL("../../fixtures/monitors/marker-analysis.ts", import.meta.url).href;
type Task = { behave: "ok" | "throw" | "exit" | "hang" | "slow"; path: string };

const held: AnalysisPool[] = [];
afterEach(async () => {
  await Promise.all(held.splice(0).map((pool) => pool.release()));
});

function acquire(overrides: Partial<AnalysisPoolOptions> = {}): AnalysisPool {
  const pool = AnalysisPool.acquire({
    filename: probe,
    threads: 2,
    maxQueue: 100,
    taskTimeoutMs: 5_000,
    execArgv: ["--import", "tsx"],
    ...overrides,
  });
  held.push(pool);
  return pool;
}

const settle = (promise: Promise<unknown>): Promise<unknown> =>
  promise.then(
    (value) => value,
    (error: { code?: string }) => error.code,
  );

describe("the analysis pool settles every task and keeps its size", () => {
  it("a task whose worker exits fails ANALYSIS_CRASHED, the tasks beside it complete, and the pool still has 2 threads", async () => {
    const pool = acquire();
    const run = (task: Task) => settle(pool.run<Task, string>(task));
    const outcomes = await Promise.all([
      run({ behave: "exit", path: "a.py" }),
      ...Array.from({ length: 6 }, (_, n) => run({ behave: "slow", path: `f${n}.py` })),
    ]);
    expect(outcomes[0]).toBe("ANALYSIS_CRASHED");
    expect(outcomes.slice(1)).toEqual(Array.from({ length: 6 }, (_, n) => `analysed f${n}.py`));
    // Twice more: a pool that lost a thread per crash would be empty by now.
    expect(await run({ behave: "exit", path: "b.py" })).toBe("ANALYSIS_CRASHED");
    expect(await run({ behave: "exit", path: "c.py" })).toBe("ANALYSIS_CRASHED");
    expect(await Promise.all([run({ behave: "ok", path: "d.py" }), run({ behave: "ok", path: "e.py" })])).toEqual([
      "analysed d.py",
      "analysed e.py",
    ]);
    expect(pool.stats()).toMatchObject({ threads: 2, crashed: 3, completed: 8 });
  });

  it("a task that hangs fails ANALYSIS_TIMEOUT after the task timeout and does not block the tasks after it", async () => {
    // The timeout covers the replacement worker's start (tsx loading the fixture), so it must be
    // well above that start even on a loaded machine.
    const pool = acquire({ threads: 1, taskTimeoutMs: 3_000 });
    const hung = settle(pool.run<Task, string>({ behave: "hang", path: "loop.py" }));
    const after = settle(pool.run<Task, string>({ behave: "ok", path: "next.py" }));
    expect(await hung).toBe("ANALYSIS_TIMEOUT");
    expect(await after).toBe("analysed next.py");
    expect(pool.stats()).toMatchObject({ threads: 1, timedOut: 1 });
  });

  it("a task that throws fails ANALYSIS_FAILED with the analysis's message", async () => {
    const pool = acquire({ threads: 1 });
    await expect(pool.run<Task, string>({ behave: "throw", path: "bad.py" })).rejects.toMatchObject({
      code: "ANALYSIS_FAILED",
      message: "cannot parse bad.py",
    });
  });

  it("refuses a task beyond maxQueue with ANALYSIS_QUEUE_FULL instead of queueing without bound", async () => {
    const pool = acquire({ threads: 1, maxQueue: 2 });
    const outcomes = await Promise.all(
      Array.from({ length: 6 }, (_, n) => settle(pool.run<Task, string>({ behave: "slow", path: `q${n}` }))),
    );
    // One running and two waiting; the other three are refused at once.
    expect(outcomes).toEqual([
      "analysed q0",
      "analysed q1",
      "analysed q2",
      "ANALYSIS_QUEUE_FULL",
      "ANALYSIS_QUEUE_FULL",
      "ANALYSIS_QUEUE_FULL",
    ]);
  });

  it("is shared by holders of the same options and closed by the last release", async () => {
    const first = acquire();
    const second = acquire();
    expect(second.stats().id).toBe(first.stats().id);
    expect(first.stats().holders).toBe(2);
    await held.pop()!.release();
    expect(await first.run<Task, string>({ behave: "ok", path: "still-open" })).toBe("analysed still-open");
    await held.pop()!.release();
    await expect(first.run({ behave: "ok", path: "closed" })).rejects.toMatchObject({ code: "ANALYSIS_POOL_CLOSED" });
    const fresh = acquire();
    expect(fresh.stats().id).not.toBe(first.stats().id);
    expect(await fresh.run<Task, string>({ behave: "ok", path: "new pool" })).toBe("analysed new pool");
  });

  it("holders with different worker modules share one pool's threads, and the last release ends them", async () => {
    const probes = acquire();
    const markers = acquire({ filename: marker });
    expect(markers.stats()).toMatchObject({ id: probes.stats().id, holders: 2 });
    expect(await probes.run<Task, string>({ behave: "ok", path: "p.py" })).toBe("analysed p.py");
    expect(await markers.run<{ path: string; content: string }, unknown>({ path: "m.txt", content: "publish orders" })).toEqual({
      publishes: [{ topic: "orders", line: 1 }],
      subscribes: [],
    });
    const threadIds = probes.stats().threadIds;
    expect(threadIds).toHaveLength(2);
    expect(markers.stats().threadIds).toEqual(threadIds);
    await probes.release();
    await probes.release(); // a second release by one holder counts once
    expect(markers.stats().holders).toBe(1);
    expect(await markers.run<{ path: string; content: string }, unknown>({ path: "n.txt", content: "subscribe x" })).toMatchObject({
      subscribes: [{ topic: "x", line: 1 }],
    });
    expect(AnalysisPool.liveThreads()).toBe(2);
    await markers.release();
    expect(AnalysisPool.liveThreads()).toBe(0);
    await expect(markers.run({ path: "o.txt", content: "" })).rejects.toMatchObject({ code: "ANALYSIS_POOL_CLOSED" });
  });

  it("a worker module that cannot load fails its tasks and is counted, without ending the process", async () => {
    const pool = acquire({ filename: new URL("../../fixtures/monitors/no-such-analysis.ts", import.meta.url).href, threads: 1 });
    const outcome = await settle(pool.run<Task, string>({ behave: "ok", path: "x" }));
    expect(["ANALYSIS_FAILED", "ANALYSIS_CRASHED"]).toContain(outcome);
    await waitFor(() => pool.stats().workerErrors > 0 || pool.stats().failed > 0, "the failure to be counted");
  });

  it("leaves no listener on the caller's signal once its tasks settled, however many waited", async () => {
    const pool = acquire({ threads: 1 });
    const caller = new AbortController();
    const outcomes = await Promise.all(
      Array.from({ length: 30 }, (_, n) => settle(pool.run<Task, string>({ behave: "ok", path: `p${n}` }, caller.signal))),
    );
    expect(outcomes).toHaveLength(30);
    expect(getEventListeners(caller.signal, "abort")).toHaveLength(0);
  });
});
