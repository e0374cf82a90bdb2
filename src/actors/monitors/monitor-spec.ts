import type { OptionsSchema } from "../../runtime/define-actor.js";
import type { CrossFileIndex } from "./cross-file-index.js";
import type { FindingRule } from "./sarif-log.js";
import type { MonitorOptions } from "./monitor-options.js";

/** What makes one streaming monitor; the framework supplies everything else. */
export interface MonitorSpec<Facts, Extra = unknown> {
  /** The config's `kind:`, e.g. `integration-monitor`. */
  kind: string;
  description: string;
  /** Schema properties of the monitor's own options, beside the shared ones (`MONITOR_OPTION_PROPERTIES`). */
  options?: Record<string, OptionsSchema>;
  /** Files analysed when the config gives no `include`. */
  include: readonly string[];
  /**
   * The worker module: a name under `analysis/` without extension (`worker`, the module the
   * built-in monitors share, so that they share a pool), or a module of its own (a file URL, with
   * the Node options its worker threads need).
   */
  worker: string | { filename: string; execArgv?: string[] };
  /** The task the worker gets for one file. */
  task(path: string, content: string, options: MonitorOptions & Extra): unknown;
  isFacts(value: unknown): value is Facts;
  /** Approximate retained size of a file's facts, for the cache's byte bound. */
  factsBytes(facts: Facts): number;
  createIndex(options: MonitorOptions & Extra): CrossFileIndex<Facts>;
  /** What the options schema cannot say (e.g. names that must exist): a problem stops the start, non-retryably, before anything is acquired. */
  check?(options: MonitorOptions & Extra): string | undefined;
  /** How each finding kind is described in `plexus scan --format sarif` (rule titles and help). */
  rules?: Readonly<Record<string, FindingRule>>;
  /** Topics new findings and resolutions are published on. */
  topics: { question: string; resolved: string };
}
