import { systemClock } from "../../common/clock.js";
import type { Logger } from "../../common/logger.js";
import { buildMonitorEngine } from "./build-engine.js";
import type { FailedFile } from "./failure-tracker.js";
import type { Finding } from "./finding.js";
import type { SkipReason } from "./monitor-engine.js";
import type { MonitorOptions } from "./monitor-options.js";
import { readMonitorSnapshot, type MonitorSnapshot } from "./monitor-snapshot.js";
import type { MonitorSpec } from "./monitor-spec.js";

/** Counts of one scan, as `plexus scan --json` prints them. */
export interface ScanStats {
  /** Files the filter selected. */
  files: number;
  /** Files analysed in a worker (the rest came from the cache or were unchanged). */
  analysed: number;
  /** Binary, oversized or unreadable files. */
  skipped: number;
  /** Files whose analysis failed (unparseable, crashed, timed out). */
  failed: number;
  ms: number;
}

/** Everything a scan found. */
export interface ScanReport {
  findings: Finding[];
  stats: ScanStats;
  skipped: Array<{ path: string; reason: SkipReason }>;
  failed: FailedFile[];
}

/**
 * Runs a monitor's analysis once over its roots (`options.watch`), exactly as the monitor would
 * (same engine, pool and snapshot format), without watching. A previous scan's snapshot, when
 * given and valid, makes the scan incremental: unchanged files are not analysed again.
 */
export async function runScan<Facts, Extra>(
  spec: MonitorSpec<Facts, Extra>,
  options: MonitorOptions & Extra,
  input: { log: Logger; previous?: unknown; inProcess?: boolean },
): Promise<{ report: ScanReport; snapshot: MonitorSnapshot<Facts> }> {
  const started = performance.now();
  const { engine, pool } = buildMonitorEngine(spec, options, {
    watch: false,
    clock: systemClock,
    log: input.log,
    onFindings: () => undefined,
    ...(input.inProcess ? { inProcess: true } : {}),
  });
  try {
    const previous = readMonitorSnapshot(input.previous, (value): value is Facts => spec.isFacts(value));
    // Findings of the previous scan are not carried over: a scan reports everything it finds.
    await engine.start("snapshot" in previous ? { ...previous.snapshot, findings: [] } : undefined);
    await engine.settled();
    const stats = engine.stats();
    const skipped = engine.skippedFiles();
    const findings = engine.openFindings();
    const report: ScanReport = {
      findings,
      stats: {
        files: stats.filesTracked + skipped.length + stats.failed.filter((failure) => !engine.tracks(failure.path)).length,
        analysed: stats.analyses,
        skipped: skipped.length,
        failed: stats.failed.length,
        ms: Math.round(performance.now() - started),
      },
      skipped,
      failed: stats.failed,
    };
    return { report, snapshot: engine.snapshot() };
  } finally {
    await engine.stop();
    await pool.release();
  }
}
