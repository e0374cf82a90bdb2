import { createHash } from "node:crypto";
import { open, stat } from "node:fs/promises";

/** What reading one file for analysis found. */
export type SourceRead =
  | { status: "content"; content: string; hash: string; size: number; mtimeMs: number }
  /** Larger than the monitor's size cap: counted and listed, never analysed. */
  | { status: "oversized"; size: number }
  /** A NUL byte in its first 8 KB: not source code. */
  | { status: "binary"; size: number }
  /** Gone between the event and the read: treated as deleted. */
  | { status: "missing" }
  | { status: "unreadable"; reason: string };

/** Size and modification time, or undefined when the file is gone. */
export async function statSource(path: string): Promise<{ size: number; mtimeMs: number } | undefined> {
  try {
    const stats = await stat(path);
    return stats.isFile() ? { size: stats.size, mtimeMs: stats.mtimeMs } : undefined;
  } catch {
    return undefined;
  }
}

/** SHA-256 of a file's content, hex: the cache key and the snapshot's proof that a file is unchanged. */
export function contentHash(content: string | Buffer): string {
  return createHash("sha256").update(content).digest("hex");
}

const BINARY_PROBE_BYTES = 8_192;

/** Reads `path` for analysis, refusing files above `maxBytes` before reading them. */
export async function readSource(path: string, maxBytes: number): Promise<SourceRead> {
  let handle;
  try {
    handle = await open(path, "r");
  } catch (error) {
    return (error as { code?: string }).code === "ENOENT"
      ? { status: "missing" }
      : { status: "unreadable", reason: String((error as Error).message) };
  }
  try {
    const stats = await handle.stat();
    if (!stats.isFile()) return { status: "missing" };
    if (stats.size > maxBytes) return { status: "oversized", size: stats.size };
    const bytes = await handle.readFile();
    if (bytes.subarray(0, BINARY_PROBE_BYTES).includes(0)) return { status: "binary", size: bytes.length };
    return { status: "content", content: bytes.toString("utf8"), hash: contentHash(bytes), size: bytes.length, mtimeMs: stats.mtimeMs };
  } catch (error) {
    return { status: "unreadable", reason: String((error as Error).message) };
  } finally {
    await handle.close();
  }
}
