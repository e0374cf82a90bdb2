import type { Finding } from "./finding.js";

/** Version of the snapshot layout; a snapshot of another version is ignored (a cold start). */
export const MONITOR_SNAPSHOT_VERSION = 1;

/** What a monitor knew of one file when it saved. */
export interface TrackedFile<Facts> {
  size: number;
  mtimeMs: number;
  hash: string;
  facts: Facts;
}

/** A monitor's persisted state: its files' facts and the findings it has announced. */
export interface MonitorSnapshot<Facts> {
  version: typeof MONITOR_SNAPSHOT_VERSION;
  files: Record<string, TrackedFile<Facts>>;
  findings: Finding[];
}

/**
 * The snapshot if `value` has the expected shape, else undefined with the reason (a corrupt or
 * foreign snapshot starts the monitor cold instead of failing it). Facts are checked by the
 * monitor's own `isFacts`.
 */
export function readMonitorSnapshot<Facts>(
  value: unknown,
  isFacts: (facts: unknown) => facts is Facts,
): { snapshot: MonitorSnapshot<Facts> } | { problem: string } {
  if (value === undefined) return { problem: "no snapshot" };
  if (typeof value !== "object" || value === null) return { problem: "the snapshot is not an object" };
  const candidate = value as Partial<MonitorSnapshot<unknown>>;
  if (candidate.version !== MONITOR_SNAPSHOT_VERSION)
    return { problem: `snapshot version ${String(candidate.version)}, expected ${MONITOR_SNAPSHOT_VERSION}` };
  if (typeof candidate.files !== "object" || candidate.files === null || !Array.isArray(candidate.findings)) {
    return { problem: "the snapshot lacks files or findings" };
  }
  for (const [path, file] of Object.entries(candidate.files)) {
    const tracked = file as Partial<TrackedFile<unknown>> | null;
    if (
      !tracked ||
      typeof tracked.size !== "number" ||
      typeof tracked.mtimeMs !== "number" ||
      typeof tracked.hash !== "string" ||
      !isFacts(tracked.facts)
    ) {
      return { problem: `the snapshot's entry for ${path} is malformed` };
    }
  }
  return { snapshot: candidate as MonitorSnapshot<Facts> };
}
