import { existsSync, statSync } from "node:fs";
import { readFile, rename, writeFile } from "node:fs/promises";
import { basename, join, relative, resolve } from "node:path";
import { Option, type Command } from "commander";
import { silentLogger } from "../common/logger.js";
import type { Finding, Severity } from "../actors/monitors/finding.js";
import type { ScanReport } from "../actors/monitors/run-scan.js";
import { CliError } from "./cli-error.js";
import { packageVersion } from "./config-file.js";
import { writeOut, type CliIo } from "./cli-io.js";
import { ExitCode } from "./exit-codes.js";

export interface ScanOptions {
  kind: string;
  json?: boolean;
  format: "text" | "json" | "sarif" | "asyncapi";
  dialect?: string;
  failOn?: Severity;
  cache?: string;
  workers?: string;
}

const SEVERITIES: readonly Severity[] = ["low", "medium", "high"];

/** Registers `plexus scan`. */
export function registerScanCommand(program: Command, io: CliIo, setExit: (code: number) => void): void {
  program
    .command("scan")
    .description("analyse a source tree once, as a monitor would, and exit like a linter")
    .argument("<dir>", "directory to analyse")
    .option(
      "--kind <kind>",
      "the monitor whose analysis runs: integration, capability or knowledge (with or without -monitor)",
      "integration-monitor",
    )
    .option("--json", "print { findings, stats, skipped, failed } as JSON (same as --format json)")
    .addOption(new Option("--format <format>", "output format").choices(["text", "json", "sarif", "asyncapi"]).default("text"))
    .option("--dialect <names>", "comma-separated dialects to recognise (integration-monitor; default: every built-in one)")
    .addOption(new Option("--fail-on <severity>", "exit 1 when a finding reaches this severity").choices([...SEVERITIES]))
    .option("--cache <file>", "keep the analysis in this file between scans: unchanged files are not analysed again")
    .option("--workers <n>", "analysis worker threads")
    .addHelpText(
      "after",
      `
Examples:
  plexus scan .                               findings as file:line lines, a summary on stderr
  plexus scan src --json                      { findings: [{ id, kind, severity, subject, question, evidence }], stats }
  plexus scan . --dialect zmq,chembus         only ZeroMQ and ChemBus wiring
  plexus scan . --fail-on high                exit 1 when a high-severity finding exists (for CI)
  plexus scan . --format sarif > scan.sarif   SARIF 2.1.0 for code-scanning UIs (a rule per finding kind)
  plexus scan . --format asyncapi > api.json  AsyncAPI 3.0 of the messaging in the code: a channel per topic
                                              (wildcards as parameters), send/receive operations per file,
                                              bound and connected endpoints as servers (integration-monitor)
  plexus scan . --cache .plexus-scan.json     incremental: only changed files are analysed again
  plexus scan . --kind capability             classes and functions named like handlers, services, workers, ...
  plexus scan . --kind knowledge              unlinked docs, undocumented modules, docs naming missing files or symbols

Unparseable, binary and oversized files are counted and listed, never fatal. Exit codes: 0 done
(no finding reached --fail-on), 1 a finding reached --fail-on, 64 bad usage or no such directory.`,
    )
    .action(async (dir: string, options: ScanOptions) => setExit(await runScanCommand(dir, options, io)));
}

/** Runs one scan and prints it; returns the exit code. */
export async function runScanCommand(dir: string, options: ScanOptions, io: CliIo): Promise<number> {
  const root = resolve(io.cwd, dir);
  if (!existsSync(root) || !statSync(root).isDirectory()) throw new CliError(`scan: ${dir} is not a directory`, ExitCode.usage);
  // Loaded on demand: the other commands should not pay for the monitors' imports.
  const [{ builtinKinds }, { isMonitorKind }, { runScan }, { KindOptionsValidator }] = await Promise.all([
    import("../actors/builtin-kinds.js"),
    import("../actors/monitors/define-monitor.js"),
    import("../actors/monitors/run-scan.js"),
    import("../runtime/config/kind-options.js"),
  ]);
  if (options.format === "asyncapi" && options.kind !== "integration-monitor")
    throw new CliError(`scan: --format asyncapi describes messaging, which only --kind integration-monitor finds`, ExitCode.usage);
  const monitors = builtinKinds.filter(isMonitorKind);
  const kind = monitors.find((candidate) => candidate.kind === options.kind || candidate.kind === `${options.kind}-monitor`);
  if (!kind) {
    throw new CliError(
      `scan: no monitor kind "${options.kind}"; the monitors are: ${monitors.map((m) => m.kind).join(", ")}`,
      ExitCode.usage,
    );
  }
  const raw: Record<string, unknown> = { watch: root };
  if (options.dialect !== undefined) raw.dialects = options.dialect.split(",").map((name) => name.trim());
  if (options.workers !== undefined) raw.workers = Number(options.workers);
  const validator = new KindOptionsValidator(new Map([[kind.kind, kind]]));
  const { options: resolved, issues } = validator.validate(kind, raw, []);
  if (issues.length > 0) throw new CliError(`scan: ${issues.map((issue) => issue.message).join("; ")}`, ExitCode.usage);

  const previous = options.cache === undefined ? undefined : await readCache(resolve(io.cwd, options.cache), io);
  const spec = kind.monitorSpec as Parameters<typeof runScan>[0];
  let outcome;
  try {
    outcome = await runScan(spec, resolved as unknown as Parameters<typeof runScan>[1], { log: silentLogger(), previous });
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    throw new CliError(`scan: ${(error as Error).message}`, code === "CONFIG_INVALID" ? ExitCode.usage : ExitCode.runtimeFailed);
  }
  if (options.cache !== undefined) await writeCache(resolve(io.cwd, options.cache), outcome.snapshot);

  const report = outcome.report;
  if (options.format === "sarif") {
    const { sarifLog } = await import("../actors/monitors/sarif-log.js");
    const log = sarifLog(report.findings, { root, toolVersion: packageVersion(), ...(spec.rules ? { rules: spec.rules } : {}) });
    await writeOut(io.stdout, `${JSON.stringify(log, null, 2)}\n`);
  } else if (options.format === "asyncapi") {
    const [{ asyncApiDocument }, { isIntegrationFacts }] = await Promise.all([
      import("../actors/monitors/asyncapi-document.js"),
      import("../actors/monitors/analysis/integration/integration-facts.js"),
    ]);
    const files = Object.entries(outcome.snapshot.files).flatMap(([path, file]) =>
      isIntegrationFacts(file.facts) ? [{ path, messages: file.facts.messages, endpoints: file.facts.endpoints }] : [],
    );
    const document = asyncApiDocument(files, { root, title: basename(root), version: await projectVersion(root) });
    await writeOut(io.stdout, `${JSON.stringify(document, null, 2)}\n`);
  } else if (options.json || options.format === "json") await writeOut(io.stdout, `${JSON.stringify(asJson(report, io.cwd), null, 2)}\n`);
  else await printText(report, io);
  const threshold = options.failOn;
  const failing =
    threshold === undefined
      ? 0
      : report.findings.filter((finding) => SEVERITIES.indexOf(finding.severity) >= SEVERITIES.indexOf(threshold)).length;
  if (failing > 0) io.stderr.write(`plexus scan: ${failing} finding(s) at or above ${threshold}\n`);
  return failing > 0 ? ExitCode.failure : ExitCode.ok;
}

/** The JSON `plexus scan --json` prints: findings with evidence relative to the working directory. */
function asJson(report: ScanReport, cwd: string) {
  return {
    findings: sortFindings(report.findings).map((finding) => ({
      id: finding.id,
      kind: finding.kind,
      severity: finding.severity,
      subject: finding.subject,
      question: finding.question,
      evidence: finding.evidence.map((item) => ({ file: relative(cwd, item.file), line: item.line })),
    })),
    stats: report.stats,
    skipped: report.skipped.map((file) => ({ file: relative(cwd, file.path), reason: file.reason })),
    failed: report.failed.map((file) => ({ file: relative(cwd, file.path), reason: file.reason })),
  };
}

async function printText(report: ScanReport, io: CliIo): Promise<void> {
  const lines: string[] = [];
  for (const finding of sortFindings(report.findings)) {
    const [first, ...others] = finding.evidence;
    const where = first ? `${relative(io.cwd, first.file)}:${first.line}` : "-";
    lines.push(`${where}  ${finding.severity}  ${finding.kind}  ${finding.question}`);
    for (const item of others) lines.push(`  also ${relative(io.cwd, item.file)}:${item.line}`);
  }
  if (lines.length > 0) await writeOut(io.stdout, `${lines.join("\n")}\n`);
  const bySeverity = SEVERITIES.map((severity) => [severity, report.findings.filter((f) => f.severity === severity).length] as const)
    .filter(([, count]) => count > 0)
    .map(([severity, count]) => `${count} ${severity}`)
    .reverse();
  const { stats } = report;
  io.stderr.write(
    `${report.findings.length} finding(s)${bySeverity.length > 0 ? ` (${bySeverity.join(", ")})` : ""} in ${stats.files} file(s): ` +
      `${stats.analysed} analysed, ${stats.skipped} skipped, ${stats.failed} failed, ${(stats.ms / 1000).toFixed(1)} s\n`,
  );
  for (const file of report.skipped) io.stderr.write(`  skipped ${relative(io.cwd, file.path)} (${file.reason})\n`);
  for (const file of report.failed) io.stderr.write(`  failed  ${relative(io.cwd, file.path)}: ${file.reason}\n`);
}

/** High first, then by file and line, so output is stable from run to run. */
function sortFindings(findings: readonly Finding[]): Finding[] {
  const place = (finding: Finding): string =>
    `${finding.evidence[0]?.file ?? ""}:${String(finding.evidence[0]?.line ?? 0).padStart(9, "0")}`;
  return [...findings].sort(
    (a, b) =>
      SEVERITIES.indexOf(b.severity) - SEVERITIES.indexOf(a.severity) || place(a).localeCompare(place(b)) || a.id.localeCompare(b.id),
  );
}

/** The `version` of the scanned directory's package.json, else "0.0.0" (AsyncAPI requires one). */
async function projectVersion(root: string): Promise<string> {
  try {
    const manifest = JSON.parse(await readFile(join(root, "package.json"), "utf8")) as { version?: unknown };
    return typeof manifest.version === "string" && manifest.version !== "" ? manifest.version : "0.0.0";
  } catch {
    return "0.0.0";
  }
}

/** A previous scan's state, or undefined (with a note) when the file is missing or not JSON. */
async function readCache(file: string, io: CliIo): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch {
    return undefined; // the first scan with this cache
  }
  try {
    return JSON.parse(text) as unknown;
  } catch {
    io.stderr.write(`plexus scan: ${file} is not a scan cache (not JSON); scanning everything\n`);
    return undefined;
  }
}

/** Writes the cache atomically: a reader never sees half a file. */
async function writeCache(file: string, snapshot: unknown): Promise<void> {
  const temporary = `${file}.${process.pid}.tmp`;
  await writeFile(temporary, JSON.stringify(snapshot));
  await rename(temporary, file);
}
