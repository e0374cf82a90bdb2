import { mkdtemp, rm, unlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { systemClock } from "../../../src/common/clock.js";
import { silentLogger } from "../../../src/common/logger.js";
import { AnalysisPool } from "../../../src/actors/monitors/analysis-pool.js";
import type { Finding } from "../../../src/actors/monitors/finding.js";
import type { FindingsDiff } from "../../../src/actors/monitors/findings-ledger.js";
import { MonitorEngine, type MonitorEngineOptions } from "../../../src/actors/monitors/monitor-engine.js";
import { readMonitorSnapshot, type MonitorSnapshot } from "../../../src/actors/monitors/monitor-snapshot.js";
import { ResultCache } from "../../../src/actors/monitors/result-cache.js";
import { watchWithChokidar } from "../../../src/actors/monitors/watch/chokidar.js";
import { createPathFilter } from "../../../src/actors/monitors/watch/path-filter.js";
import type { MarkerFacts } from "../../fixtures/monitors/marker-analysis.js";
import { isMarkerFacts, TopicIndex } from "../../fixtures/monitors/topic-index.js";
import { waitFor } from "../../helpers/wait.js";

const worker = new URL("../../fixtures/monitors/marker-analysis.ts", import.meta.url).href;

const isFacts = isMarkerFacts;

let root: string | undefined;
const engines: Array<MonitorEngine<MarkerFacts>> = [];
const pools: AnalysisPool[] = [];
afterEach(async () => {
  await Promise.all(engines.splice(0).map((engine) => engine.stop()));
  await Promise.all(pools.splice(0).map((pool) => pool.release()));
  if (root) await rm(root, { recursive: true, force: true });
  root = undefined;
});

async function plant(files: Record<string, string>): Promise<string> {
  root ??= await mkdtemp(join(tmpdir(), "plexus-engine-"));
  for (const [name, content] of Object.entries(files)) await writeFile(join(root, name), content);
  return root;
}

function engine(overrides: Partial<MonitorEngineOptions<MarkerFacts>> = {}) {
  const diffs: FindingsDiff[] = [];
  const index = new TopicIndex();
  // No analysis here hangs: the timeout only has to outlast worker threads starting (tsx loading the fixture) on a loaded machine.
  const pool = AnalysisPool.acquire({ filename: worker, threads: 2, maxQueue: 100, taskTimeoutMs: 20_000, execArgv: ["--import", "tsx"] });
  pools.push(pool);
  const monitor = new MonitorEngine<MarkerFacts>({
    roots: [root!],
    filter: createPathFilter({ include: ["**/*.txt"] }),
    backend: watchWithChokidar,
    queue: { capacity: 100, debounceMs: 5 },
    maxFileBytes: 10_000,
    concurrency: 4,
    retry: { maxAttempts: 3, baseDelayMs: 10 },
    pool,
    task: (path, content) => ({ path, content }),
    isFacts,
    factsBytes: (facts) => JSON.stringify(facts).length,
    cache: new ResultCache({ entries: 100, bytes: 1_000_000 }),
    index,
    onFindings: (diff) => diffs.push(diff),
    clock: systemClock,
    log: silentLogger(),
    ...overrides,
  });
  engines.push(monitor);
  const subjects = (pick: (diff: FindingsDiff) => Finding[]) => diffs.flatMap(pick).map((finding) => finding.subject);
  return { monitor, diffs, index, raised: () => subjects((d) => d.raised), resolved: () => subjects((d) => d.resolved) };
}

describe("the monitor engine", () => {
  it("announces what the whole tree supports after a cold scan, then only what each change alters", async () => {
    await plant({ "a.txt": "publish orders\npublish audit\n", "b.txt": "subscribe orders\n", "notes.md": "publish ignored\n" });
    const { monitor, raised, resolved, diffs } = engine();
    await monitor.start();
    await waitFor(
      () => monitor.idle() && diffs.length === 1,
      () => `the cold scan: ${JSON.stringify(monitor.stats())} idle=${monitor.idle()} diffs=${diffs.length}`,
    );
    expect(raised()).toEqual(["audit"]);
    expect(monitor.stats()).toMatchObject({ filesTracked: 2, analyses: 2 });

    await plant({ "c.txt": "subscribe audit\npublish billing\n" });
    await waitFor(() => diffs.length === 2, "the new file's findings");
    expect(raised()).toEqual(["audit", "billing"]);
    expect(resolved()).toEqual(["audit"]);

    await unlink(join(root!, "b.txt"));
    await waitFor(() => diffs.length === 3, "the deletion's findings");
    expect(raised()).toEqual(["audit", "billing", "orders"]);
    expect(monitor.stats().filesTracked).toBe(2);
  });

  it("retries a file whose analysis throws, gives up after 3 attempts, and analyses its fixed version at once", async () => {
    await plant({ "good.txt": "publish a\n", "bad.txt": "subscribe a\nsyntax error here\n" });
    const { monitor, raised } = engine();
    await monitor.start();
    await waitFor(() => monitor.idle() && monitor.stats().failed.length === 1, "the give-up");
    expect(monitor.stats().failed).toEqual([
      { path: join(root!, "bad.txt"), attempts: 3, reason: `${join(root!, "bad.txt")}:2: invalid syntax` },
    ]);
    expect(raised()).toEqual(["a"]);
    await plant({ "bad.txt": "subscribe a\n" });
    await waitFor(() => monitor.idle() && monitor.stats().failed.length === 0 && monitor.openFindings().length === 0, "the fixed file");
  });

  it("a file that crashes its worker is reported, and the pool goes on analysing with both threads", async () => {
    await plant({ "crash.txt": "crash\n", ...Object.fromEntries(Array.from({ length: 10 }, (_, n) => [`f${n}.txt`, `publish t${n}\n`])) });
    const { monitor } = engine();
    await monitor.start();
    await waitFor(() => monitor.idle() && monitor.stats().failed.length === 1, "the crashing file's give-up");
    expect(monitor.stats()).toMatchObject({ filesTracked: 10, pool: { threads: 2, crashed: 3 } });
    expect(monitor.openFindings()).toHaveLength(10);
  });

  it("counts binary and oversized files as skipped, never analysed", async () => {
    await plant({ "ok.txt": "publish a\n", "big.txt": "x".repeat(20_000) });
    await writeFile(join(root!, "bin.txt"), Buffer.from([0x70, 0x00, 0x01, 0x02]));
    const { monitor } = engine();
    await monitor.start();
    await waitFor(() => monitor.idle() && monitor.stats().filesTracked === 1, "the scan");
    expect(monitor.stats()).toMatchObject({ analyses: 1, skipped: { oversized: 1, binary: 1, unreadable: 0 } });
    expect(
      monitor
        .skippedFiles()
        .map((file) => file.reason)
        .sort(),
    ).toEqual(["binary", "oversized"]);
  });

  it("starts warm from a snapshot: unchanged files are not analysed and nothing is announced again", async () => {
    await plant({ "a.txt": "publish a\n", "b.txt": "publish b\n", "c.txt": "subscribe b\n" });
    const first = engine();
    await first.monitor.start();
    await waitFor(() => first.monitor.idle() && first.diffs.length === 1, "the first run");
    const snapshot = JSON.parse(JSON.stringify(first.monitor.snapshot())) as unknown;
    await first.monitor.stop();

    // While it was down: one file changed, one was deleted.
    await plant({ "b.txt": "publish b\npublish e\n" });
    await unlink(join(root!, "c.txt"));
    const read = readMonitorSnapshot(snapshot, isFacts);
    if (!("snapshot" in read)) throw new Error(read.problem);
    const second = engine();
    await second.monitor.start(read.snapshot);
    await waitFor(() => second.monitor.idle() && second.diffs.length === 1, "the warm start's changes");
    expect(second.monitor.stats()).toMatchObject({ analyses: 1, unchanged: 1, filesTracked: 2 });
    expect(second.raised().sort()).toEqual(["b", "e"]);
    expect(second.resolved()).toEqual([]);
  });

  it("a corrupt or foreign snapshot is refused with the reason (the monitor then starts cold)", () => {
    expect(readMonitorSnapshot("garbage", isFacts)).toEqual({ problem: "the snapshot is not an object" });
    expect(readMonitorSnapshot({ version: 99, files: {}, findings: [] }, isFacts)).toEqual({ problem: "snapshot version 99, expected 1" });
    const bad: MonitorSnapshot<unknown> = {
      version: 1,
      files: { "/x.txt": { size: 1, mtimeMs: 1, hash: "h", facts: { nope: true } } },
      findings: [],
    };
    expect(readMonitorSnapshot(bad, isFacts)).toEqual({ problem: "the snapshot's entry for /x.txt is malformed" });
  });

  it("holds its queue and cache bounds under a burst of 5,000 files and still tracks every one", async () => {
    await plant({});
    const { monitor } = engine({
      queue: { capacity: 100, debounceMs: 5 },
      cache: new ResultCache({ entries: 500, bytes: 1_000_000 }),
      concurrency: 8,
    });
    await monitor.start();
    let deepest = 0;
    const writes = Promise.all(Array.from({ length: 5_000 }, (_, n) => writeFile(join(root!, `b${n}.txt`), `publish t${n}\n`)));
    await waitFor(
      async () => {
        deepest = Math.max(deepest, monitor.stats().queue.depth);
        await writes;
        return monitor.idle() && monitor.stats().filesTracked === 5_000;
      },
      () => `all 5,000 files tracked (now ${monitor.stats().filesTracked})`,
      60_000,
    );
    expect(deepest).toBeLessThanOrEqual(100);
    expect(monitor.stats().cache.entries).toBeLessThanOrEqual(500);
    expect(monitor.openFindings()).toHaveLength(5_000);
  }, 90_000);

  it("holds analysesPerSecond: a burst of that many, then one per interval", async () => {
    await plant(Object.fromEntries(Array.from({ length: 6 }, (_, n) => [`r${n}.txt`, `publish r${n}\n`])));
    const { monitor } = engine({ analysesPerSecond: 3 });
    const started = Date.now();
    await monitor.start();
    await waitFor(() => monitor.idle() && monitor.stats().filesTracked === 6, "all six files");
    // Three at once, then three more at one per 333 ms: never sooner than about a second.
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
  });
});
