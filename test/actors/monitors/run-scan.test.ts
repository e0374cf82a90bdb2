import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { silentLogger } from "../../../src/common/logger.js";
import type { MonitorOptions } from "../../../src/actors/monitors/monitor-options.js";
import { runScan } from "../../../src/actors/monitors/run-scan.js";
import { markerSpec } from "../../fixtures/monitors/marker-spec.js";

const spec = markerSpec();

function options(watch: string): MonitorOptions {
  return {
    watch,
    watcher: "chokidar",
    workers: 2,
    queue: 1000,
    debounce: 0,
    cache: { files: 500, bytes: 1_000_000 },
    maxFileBytes: 10_000,
    taskTimeout: "5s",
    retries: 3,
    snapshotEvery: "5m",
    memory: { softMb: 10_000, hardMb: 20_000 },
  };
}

let dir: string | undefined;
afterEach(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
  dir = undefined;
});

describe("runScan (plexus scan's engine)", () => {
  it("reports every finding, counts unparseable, binary and oversized files without failing, and is incremental with its snapshot", async () => {
    dir = await mkdtemp(join(tmpdir(), "plexus-scan-"));
    await writeFile(join(dir, "a.txt"), "publish orders\npublish audit\n");
    await writeFile(join(dir, "b.txt"), "subscribe orders\n");
    await writeFile(join(dir, "broken.txt"), "syntax error\n");
    await writeFile(join(dir, "big.txt"), "x".repeat(20_000));
    await writeFile(join(dir, "blob.txt"), Buffer.from([1, 0, 2]));
    const first = await runScan(spec, options(dir), { log: silentLogger() });
    expect(first.report.findings.map((finding) => finding.subject)).toEqual(["audit"]);
    expect(first.report.stats).toMatchObject({ files: 5, analysed: 2, skipped: 2, failed: 1 });
    expect(first.report.failed).toEqual([
      { path: join(dir, "broken.txt"), attempts: 3, reason: `${join(dir, "broken.txt")}:1: invalid syntax` },
    ]);
    expect(first.report.skipped.map((file) => file.reason).sort()).toEqual(["binary", "oversized"]);

    await writeFile(join(dir, "c.txt"), "publish billing\n");
    const second = await runScan(spec, options(dir), { log: silentLogger(), previous: JSON.parse(JSON.stringify(first.snapshot)) });
    expect(second.report.findings.map((finding) => finding.subject).sort()).toEqual(["audit", "billing"]);
    expect(second.report.stats).toMatchObject({ files: 6, analysed: 1 });
  });
});
