import type { Finding } from "./finding.js";

/**
 * What one monitor knows across files. Each file contributes its facts; replacing or removing a
 * file's facts touches only that file's contribution (O(changed file)), and findings are
 * evaluated from what the index holds, never by reading files again.
 */
export interface CrossFileIndex<Facts> {
  set(path: string, facts: Facts): void;
  delete(path: string): void;
  /** Every finding the index supports now. */
  findings(): Finding[];
  /** Counts of the monitor's own, shown beside the framework's in its `/health` status. */
  stats?(): Record<string, number>;
}
