import type { DoctorCheckResult } from "./check-result.js";

/** Marks: ✓ passed, ✗ failed, ! passed with a warning, - skipped. */
function mark(result: DoctorCheckResult): string {
  if (!result.ok) return "✗";
  if (result.skipped) return "-";
  if (result.warning) return "!";
  return "✓";
}

/**
 * The human report: one row per check (mark, name, detail; multi-line details indented under
 * the row), a `→ fix` line under every failure and warning, and a closing line with the exit code.
 */
export function formatDoctorReport(results: readonly DoctorCheckResult[], exitCode?: number): string {
  const width = Math.max(...results.map((result) => result.name.length), 4);
  const indent = " ".repeat(width + 4);
  const lines: string[] = [];
  for (const result of results) {
    const [first = "", ...rest] = result.detail.split("\n");
    lines.push(`${mark(result)} ${result.name.padEnd(width)}  ${first}`);
    for (const line of rest) lines.push(`${indent}${line}`);
    if (result.fix !== undefined && (!result.ok || result.warning)) lines.push(`${indent}→ ${result.fix}`);
  }
  if (exitCode !== undefined) {
    const failures = results.filter((result) => !result.ok).length;
    lines.push("", failures === 0 ? "all checks passed (exit 0)" : `${failures} check(s) failed (exit ${exitCode})`);
  }
  return lines.join("\n");
}
