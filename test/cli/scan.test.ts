import { cp, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runInProcess } from "./memory-io.js";

const planted = fileURLToPath(new URL("../fixtures/monitors/integration/python", import.meta.url));

interface ScanJson {
  findings: Array<{
    id: string;
    kind: string;
    severity: string;
    subject: string;
    question: string;
    evidence: Array<{ file: string; line: number }>;
  }>;
  stats: { files: number; analysed: number; skipped: number; failed: number; ms: number };
  skipped: Array<{ file: string; reason: string }>;
  failed: Array<{ file: string; reason: string }>;
}

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "plexus-scan-cli-"));
  await cp(planted, join(dir, "src"), { recursive: true });
  await writeFile(join(dir, "src", "blob.py"), Buffer.from([0x61, 0x00, 0x62]));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("plexus scan", () => {
  it("--json prints every finding with evidence relative to the working directory, and counts a binary file as skipped", async () => {
    const { code, stdout } = await runInProcess(["scan", "src", "--json"], { cwd: dir });
    expect(code).toBe(0);
    const report = JSON.parse(stdout) as ScanJson;
    const kinds = new Set(report.findings.map((finding) => finding.kind));
    for (const kind of [
      "orphaned-topic",
      "unfed-subscription",
      "endpoint-conflict",
      "unbound-endpoint",
      "uninitialized-attribute",
      "undrained-queue",
    ]) {
      expect(kinds, kind).toContain(kind);
    }
    for (const finding of report.findings) {
      expect(finding.id).toMatch(/^[0-9a-f]{16}$/);
      for (const item of finding.evidence) expect(item.file.startsWith("src/")).toBe(true);
    }
    expect(report.stats).toMatchObject({ files: 5, skipped: 1, failed: 0 });
    expect(report.skipped).toEqual([{ file: "src/blob.py", reason: "binary" }]);
  });

  it("--fail-on exits 1 when a finding reaches the severity, 0 when none does", async () => {
    const high = await runInProcess(["scan", "src", "--fail-on", "high"], { cwd: dir });
    const report = JSON.parse((await runInProcess(["scan", "src", "--json"], { cwd: dir })).stdout) as ScanJson;
    expect(high.code).toBe(report.findings.some((finding) => finding.severity === "high") ? 1 : 0);
    const low = await runInProcess(["scan", "src", "--fail-on", "low"], { cwd: dir });
    expect(low.code).toBe(1);
    expect(low.stdout).toMatch(/^src\/\S+\.py:\d+ {2}(high|medium|low) {2}[a-z-]+ {2}/m);
    expect(low.stderr).toMatch(/finding\(s\) at or above low/);
  });

  it("--dialect narrows what counts as wiring, and an unknown dialect is a usage error", async () => {
    const all = JSON.parse((await runInProcess(["scan", "src", "--json"], { cwd: dir })).stdout) as ScanJson;
    const plexusOnly = JSON.parse((await runInProcess(["scan", "src", "--json", "--dialect", "plexus"], { cwd: dir })).stdout) as ScanJson;
    expect(plexusOnly.findings.length).toBeLessThan(all.findings.length);
    const bad = await runInProcess(["scan", "src", "--dialect", "smoke-signals"], { cwd: dir });
    expect(bad.code).toBe(64);
    expect(bad.stderr).toMatch(/smoke-signals/);
  });

  it("--cache makes the next scan incremental: only the changed file is analysed", async () => {
    const first = JSON.parse(
      (await runInProcess(["scan", "src", "--json", "--cache", "scan-cache.json"], { cwd: dir })).stdout,
    ) as ScanJson;
    expect(first.stats.analysed).toBeGreaterThan(1);
    await writeFile(join(dir, "src", "extra.py"), "bus.publish('extra.topic', {})\n");
    const second = JSON.parse(
      (await runInProcess(["scan", "src", "--json", "--cache", "scan-cache.json"], { cwd: dir })).stdout,
    ) as ScanJson;
    expect(second.stats.analysed).toBe(1);
    expect(JSON.parse(await readFile(join(dir, "scan-cache.json"), "utf8"))).toMatchObject({ version: 1 });
    await rm(join(dir, "src", "extra.py"));
  });

  it("--format sarif writes a SARIF 2.1.0 log with a result per finding", async () => {
    const { code, stdout } = await runInProcess(["scan", "src", "--format", "sarif"], { cwd: dir });
    expect(code).toBe(0);
    const log = JSON.parse(stdout) as { version: string; runs: Array<{ results: unknown[] }> };
    const report = JSON.parse((await runInProcess(["scan", "src", "--json"], { cwd: dir })).stdout) as ScanJson;
    expect(log.version).toBe("2.1.0");
    expect(log.runs[0]!.results).toHaveLength(report.findings.length);
  });

  it("a missing directory is a usage error", async () => {
    const { code, stderr } = await runInProcess(["scan", "no-such-dir"], { cwd: dir });
    expect(code).toBe(64);
    expect(stderr).toMatch(/no-such-dir is not a directory/);
  });
});
