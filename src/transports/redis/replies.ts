/**
 * Parsers for the raw replies ioredis returns for stream commands. ioredis types most of them as
 * `unknown[]`; checking the shape here keeps the rest of the transport free of casts.
 */

/** One stream entry: its id and flat `[field, value, …]` list (null when the entry was deleted). */
export type RawEntry = [id: string, fields: string[] | null];

/** `XREADGROUP` reply: per stream, its entries. Null when the block timed out. */
export function parseReadReply(reply: unknown): Array<[stream: string, entries: RawEntry[]]> {
  if (!Array.isArray(reply)) return [];
  const out: Array<[string, RawEntry[]]> = [];
  for (const item of reply) {
    if (!Array.isArray(item) || typeof item[0] !== "string") continue;
    out.push([item[0], parseEntries(item[1])]);
  }
  return out;
}

/** A list of entries as found in XREADGROUP / XAUTOCLAIM / XRANGE replies. */
export function parseEntries(value: unknown): RawEntry[] {
  if (!Array.isArray(value)) return [];
  const entries: RawEntry[] = [];
  for (const entry of value) {
    // XAUTOCLAIM before Redis 7 reports deleted entries as nil in this list; skip them here,
    // they are counted from the deleted-ids list on Redis 7.
    if (!Array.isArray(entry) || typeof entry[0] !== "string") continue;
    const fields = Array.isArray(entry[1]) ? textFields(entry[1] as unknown[]) : null;
    entries.push([entry[0], fields]);
  }
  return entries;
}

/** The field list as strings: the reply's own array when it already is one (ioredis' `call` replies with strings), else a converted copy. */
function textFields(flat: unknown[]): string[] {
  for (let i = 0; i < flat.length; i++) if (typeof flat[i] !== "string") return flat.map(String);
  return flat as string[];
}

/** `XAUTOCLAIM` reply: next cursor, claimed entries, and (Redis 7+) ids deleted while pending. */
export interface AutoClaimReply {
  cursor: string;
  entries: RawEntry[];
  deletedIds: string[];
}

export function parseAutoClaimReply(reply: unknown): AutoClaimReply {
  if (!Array.isArray(reply)) return { cursor: "0-0", entries: [], deletedIds: [] };
  const cursor = typeof reply[0] === "string" ? reply[0] : "0-0";
  const deletedIds = Array.isArray(reply[2]) ? reply[2].map(String) : [];
  return { cursor, entries: parseEntries(reply[1]), deletedIds };
}

/** Extended `XPENDING key group start end count [consumer]` reply: id → times delivered. */
export function parsePendingCounts(reply: unknown): Map<string, number> {
  const counts = new Map<string, number>();
  if (!Array.isArray(reply)) return counts;
  for (const row of reply) {
    if (Array.isArray(row) && typeof row[0] === "string") counts.set(row[0], Number(row[3]));
  }
  return counts;
}

/** One group as described by `XINFO GROUPS` (Redis 7 adds `entries-read` and `lag`). */
export interface GroupInfo {
  name: string;
  consumers: number;
  pending: number;
  lastDeliveredId: string;
  /** Entries the group has read; null when Redis cannot tell (before 7.0, or after deletions). */
  entriesRead: number | null;
  /** Entries not yet delivered to the group; null when Redis cannot compute it. */
  lag: number | null;
}

export function parseGroupInfo(reply: unknown): GroupInfo[] {
  if (!Array.isArray(reply)) return [];
  const groups: GroupInfo[] = [];
  for (const row of reply) {
    if (!Array.isArray(row)) continue;
    const map = new Map<string, unknown>();
    for (let i = 0; i + 1 < row.length; i += 2) map.set(String(row[i]), row[i + 1]);
    groups.push({
      name: String(map.get("name") ?? ""),
      consumers: Number(map.get("consumers") ?? 0),
      pending: Number(map.get("pending") ?? 0),
      lastDeliveredId: String(map.get("last-delivered-id") ?? "0-0"),
      entriesRead: nullableNumber(map.get("entries-read")),
      lag: nullableNumber(map.get("lag")),
    });
  }
  return groups;
}

function nullableNumber(value: unknown): number | null {
  if (value === null || value === undefined) return null;
  const n = Number(value);
  return Number.isFinite(n) ? n : null;
}

/** True for Redis' NOGROUP error (stream or group missing, e.g. after a DEL or a flush). */
export function isNoGroupError(error: unknown): boolean {
  return error instanceof Error && error.message.startsWith("NOGROUP");
}

/** True for XGROUP CREATE's BUSYGROUP error (the group exists already). */
export function isBusyGroupError(error: unknown): boolean {
  return error instanceof Error && error.message.startsWith("BUSYGROUP");
}
