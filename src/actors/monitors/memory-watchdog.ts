/** What the memory watchdog asks the monitor to do. */
export type MemoryAction = "none" | "evict-half" | "fail";

/**
 * Decides from the process's resident set size: above `softBytes` the monitor evicts half its
 * caches (once per crossing: it must fall below soft again before the next eviction); above
 * `hardBytes` it fails, so its supervisor restarts it from its last snapshot with empty caches.
 * Pure: the caller measures and keeps `evictedSinceSoft`.
 */
export function decideMemoryAction(
  rssBytes: number,
  limits: { softBytes: number; hardBytes: number },
  evictedSinceSoft: boolean,
): MemoryAction {
  if (rssBytes >= limits.hardBytes) return "fail";
  if (rssBytes >= limits.softBytes && !evictedSinceSoft) return "evict-half";
  return "none";
}
