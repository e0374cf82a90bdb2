import { cp, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { plantKnowledgeTree } from "../actors/monitors/knowledge/planted-tree.js";
import { runInProcess } from "./memory-io.js";

const planted = fileURLToPath(new URL("../fixtures/monitors/integration/python", import.meta.url));
const capabilities = fileURLToPath(new URL("../fixtures/monitors/capability/typescript", import.meta.url));

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
  await cp(capabilities, join(dir, "services"), { recursive: true });
  await plantKnowledgeTree(join(dir, "docs-tree"), "python");
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

describe("plexus scan --kind", () => {
  it("runs the capability monitor's analysis (short or full kind name)", async () => {
    const short = await runInProcess(["scan", "services", "--kind", "capability", "--json"], { cwd: dir });
    expect(short.code).toBe(0);
    const report = JSON.parse(short.stdout) as ScanJson;
    expect(report.findings.map((finding) => `${finding.kind} ${finding.subject}`).sort()).toEqual([
      "new-capability Api.list",
      "new-capability OrderHandler",
      "new-capability Reconcile",
      "new-capability billingService",
      "new-capability orderProcessor",
    ]);
    expect(report.findings[0]!.evidence[0]!.file).toBe("services/orders.ts");
    const full = JSON.parse(
      (await runInProcess(["scan", "services", "--kind", "capability-monitor", "--json"], { cwd: dir })).stdout,
    ) as ScanJson;
    expect(full.findings.map((finding) => finding.id).sort()).toEqual(report.findings.map((finding) => finding.id).sort());
  });

  it("runs the knowledge monitor's analysis, with --fail-on and a SARIF rule per finding kind", async () => {
    const scan = await runInProcess(["scan", "docs-tree", "--kind", "knowledge", "--json", "--fail-on", "medium"], { cwd: dir });
    expect(scan.code).toBe(1);
    const report = JSON.parse(scan.stdout) as ScanJson;
    expect(new Set(report.findings.map((finding) => finding.kind))).toEqual(
      new Set(["stale-file-reference", "stale-symbol-reference", "undocumented-module", "unlinked-doc"]),
    );
    expect(report.stats).toMatchObject({ files: 6, failed: 0 });
    const sarif = JSON.parse(
      (await runInProcess(["scan", "docs-tree", "--kind", "knowledge", "--format", "sarif"], { cwd: dir })).stdout,
    ) as {
      runs: Array<{ tool: { driver: { rules: Array<{ id: string }> } }; results: unknown[] }>;
    };
    expect(sarif.runs[0]!.tool.driver.rules.map((rule) => rule.id).sort()).toEqual([
      "stale-file-reference",
      "stale-symbol-reference",
      "undocumented-module",
      "unlinked-doc",
    ]);
    expect(sarif.runs[0]!.results).toHaveLength(report.findings.length);
  });

  it("an unknown kind is a usage error naming the monitors", async () => {
    const { code, stderr } = await runInProcess(["scan", "services", "--kind", "vibes"], { cwd: dir });
    expect(code).toBe(64);
    expect(stderr).toMatch(/integration-monitor, capability-monitor, knowledge-monitor/);
  });
});
