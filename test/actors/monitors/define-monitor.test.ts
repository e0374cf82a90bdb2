import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { createRuntime, defineActor } from "../../../src/index.js";
import { silentLogger } from "../../../src/common/logger.js";
import { AnalysisPool, type AnalysisPoolStats } from "../../../src/actors/monitors/analysis-pool.js";
import { defineMonitor, type QuestionMessage } from "../../../src/actors/monitors/define-monitor.js";
import { markerSpec } from "../../fixtures/monitors/marker-spec.js";
import { runtimeScope } from "../../helpers/runtime-scope.js";
import { waitFor } from "../../helpers/wait.js";

const markerMonitor = defineMonitor(markerSpec());
// Another monitor kind on the same framework whose analysis is another worker module.
const otherMonitor = defineMonitor({
  ...markerSpec(),
  kind: "other-marker-monitor",
  worker: { filename: new URL("../../fixtures/monitors/marker-analysis-copy.ts", import.meta.url).href, execArgv: ["--import", "tsx"] },
});

const scope = runtimeScope("plexus-monitor-kind-");
let tree: string | undefined;
afterEach(async () => {
  if (tree) await rm(tree, { recursive: true, force: true });
  tree = undefined;
});

const questions: QuestionMessage[] = [];
const resolutions: Array<{ subject: string }> = [];
// Started before the monitor (children start in order), so it sees everything the monitor announces.
const recorder = defineActor({
  kind: "recorder",
  async start(ctx) {
    await ctx.bus.subscribe<QuestionMessage>("test.marker_question", (envelope) => void questions.push(envelope.payload));
    await ctx.bus.subscribe<{ subject: string }>("test.marker_resolved", (envelope) => void resolutions.push(envelope.payload));
  },
});

async function startMonitoring(stateDir: string): Promise<void> {
  questions.length = 0;
  resolutions.length = 0;
  scope.runtime = createRuntime({
    logger: silentLogger(),
    kinds: [recorder, markerMonitor],
    config: {
      runtime: { name: "monitors", ops: { port: 0 }, stateDir },
      children: [
        { id: "recorder", kind: "recorder" },
        { id: "markers", kind: "marker-monitor", options: { watch: tree!, debounce: "5ms" } },
      ],
    },
  });
  await scope.runtime.start();
}

describe("a monitor kind built with defineMonitor", () => {
  it("publishes questions and resolutions, reports its status in /health, and does not announce again after a restart from its snapshot", async () => {
    tree = await mkdtemp(join(tmpdir(), "plexus-monitor-tree-"));
    await writeFile(join(tree, "a.txt"), "publish orders\npublish audit\n");
    await writeFile(join(tree, "b.txt"), "subscribe orders\n");
    const stateDir = await scope.stateDir();
    await startMonitoring(stateDir);
    await writeFile(join(tree, "c.txt"), "publish billing\n");
    await waitFor(
      () => questions.length === 2,
      () => `questions: ${JSON.stringify(questions.map((q) => q.subject))}`,
    );
    expect(questions.map((q) => q.subject).sort()).toEqual(["audit", "billing"]);
    expect(questions[0]).toMatchObject({ kind: "orphaned-topic", severity: "medium", monitor: "markers" });

    await writeFile(join(tree, "b.txt"), "subscribe orders\nsubscribe audit\n");
    await waitFor(() => resolutions.length === 1, "the resolution");
    expect(resolutions[0]).toMatchObject({ subject: "audit" });

    const health = (await (await fetch(`${scope.runtime!.opsAddress!.url}/health`)).json()) as {
      actors: Array<{ path: string; status?: Record<string, unknown> }>;
    };
    expect(health.actors.find((actor) => actor.path === "root/markers")?.status).toMatchObject({
      filesTracked: 3,
      openFindings: 1,
      failed: 0,
    });
    // Metrics are copied every second: poll until they show the third file.
    await waitFor(
      async () =>
        /plexus_monitor_files\{monitor="markers"\} 3/.test(await (await fetch(`${scope.runtime!.opsAddress!.url}/metrics`)).text()),
      "the files gauge",
    );
    await scope.runtime!.stop();

    // Restarted on the same state: nothing is announced again; a witness file proves the monitor runs.
    await startMonitoring(stateDir);
    await writeFile(join(tree, "d.txt"), "publish witness\n");
    await waitFor(() => questions.length >= 1, "the witness question");
    expect(questions.map((q) => q.subject)).toEqual(["witness"]);
    expect(resolutions).toEqual([]);
  });

  it("shares one analysis pool between monitors with different worker modules; stopping one keeps the other working, stopping both ends its threads", async () => {
    tree = await mkdtemp(join(tmpdir(), "plexus-monitor-tree-"));
    await writeFile(join(tree, "a.txt"), "publish orders\n");
    questions.length = 0;
    scope.runtime = createRuntime({
      logger: silentLogger(),
      kinds: [recorder, markerMonitor, otherMonitor],
      config: {
        runtime: { name: "monitors", ops: { port: 0 }, stateDir: await scope.stateDir() },
        children: [
          { id: "recorder", kind: "recorder" },
          { id: "markers", kind: "marker-monitor", options: { watch: tree, debounce: "5ms" } },
          { id: "others", kind: "other-marker-monitor", options: { watch: tree, debounce: "5ms" } },
        ],
      },
    });
    await scope.runtime.start();
    const asked = (monitor: string) => questions.filter((q) => q.monitor === monitor).map((q) => q.subject);
    await waitFor(() => asked("markers").includes("orders") && asked("others").includes("orders"), "both monitors' questions");
    const poolOf = async (path: string): Promise<AnalysisPoolStats | undefined> => {
      const health = (await (await fetch(`${scope.runtime!.opsAddress!.url}/health`)).json()) as {
        actors: Array<{ path: string; status?: { pool?: AnalysisPoolStats } }>;
      };
      return health.actors.find((actor) => actor.path === path)?.status?.pool;
    };
    const markersPool = await poolOf("root/markers");
    const othersPool = await poolOf("root/others");
    expect(markersPool).toMatchObject({ holders: 2, threads: 2, completed: 2 });
    expect(othersPool?.id).toBe(markersPool?.id);
    expect(othersPool?.threadIds).toEqual(markersPool?.threadIds);
    expect(AnalysisPool.liveThreads()).toBe(2);

    await scope.runtime.stopChild("root", "markers");
    await writeFile(join(tree, "b.txt"), "publish billing\n");
    await waitFor(() => asked("others").includes("billing"), "the remaining monitor's question");
    expect(await poolOf("root/others")).toMatchObject({ id: markersPool?.id, holders: 1, threads: 2 });
    expect(asked("markers")).toEqual(["orders"]);

    await scope.runtime.stopChild("root", "others");
    expect(AnalysisPool.liveThreads()).toBe(0);
  });

  it("refuses a watch root that does not exist, without restarting", async () => {
    scope.runtime = createRuntime({
      logger: silentLogger(),
      kinds: [markerMonitor],
      config: {
        runtime: { name: "monitors", ops: { enabled: false }, stateDir: await scope.stateDir() },
        children: [{ id: "markers", kind: "marker-monitor", options: { watch: join(tmpdir(), `plexus-nowhere-${process.pid}`) } }],
      },
    });
    await expect(scope.runtime.start()).rejects.toThrow(/does not exist/);
  });
});
