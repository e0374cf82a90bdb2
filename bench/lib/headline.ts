/**
 * A bench's headline figures: the few rows `npm run bench` (bench/run-all.mjs) gathers from every
 * bench into one summary table. Each bench still prints its own full table; this only adds one JSON
 * line per figure to the file named by PLEXUS_BENCH_HEADLINES, which run-all sets (a bench run on
 * its own, without the variable, writes nothing).
 */
import { appendFileSync } from "node:fs";

/** One figure beside its baseline from the same run. */
export interface Headline {
  /** What was measured, with its unit, e.g. "p99 latency @ 5,000 msg/s, ms". */
  measure: string;
  plexus: number;
  /** The baseline's name, e.g. "raw ioredis" or "pyzmq zmq.proxy()". */
  baselineName: string;
  baseline: number;
  /** The target as text, e.g. "≤ 1.25× raw", shown as written. */
  target?: string;
  /** Whether the run met the target (left out when the bench cannot judge it). */
  met?: boolean;
  /** Decimal places for both figures. @defaultValue 1 */
  digits?: number;
}

/** Records headline figures for the run-all summary; a no-op outside run-all. */
export function recordHeadlines(bench: string, headlines: readonly Headline[]): void {
  const file = process.env.PLEXUS_BENCH_HEADLINES;
  if (!file) return;
  appendFileSync(file, headlines.map((headline) => JSON.stringify({ bench, ...headline })).join("\n") + "\n");
}
