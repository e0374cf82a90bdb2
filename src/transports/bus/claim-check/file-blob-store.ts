import { randomBytes } from "node:crypto";
import { mkdir, readdir, readFile, rename, stat, unlink, writeFile } from "node:fs/promises";
import path from "node:path";
import type { Logger } from "../../../common/logger.js";
import type { BlobStore } from "./blob-store.js";

/** Tuning of a {@link FileBlobStore}. */
export interface FileBlobStoreOptions {
  /** Directory of the blobs; created when missing. */
  dir: string;
  /** Blobs older than this are removed by the sweep. */
  ttlMs: number;
  /** Milliseconds between sweeps. Default a tenth of the TTL, between 1 s and 10 min. */
  sweepIntervalMs?: number;
  /** Most files one sweep looks at, so a huge directory never stalls the process. Default 1,000. */
  sweepBatch?: number;
  log?: Logger;
  /** Milliseconds since the epoch; injected by tests. */
  now?: () => number;
}

const SUFFIX = ".blob";

/**
 * Blobs as files in one directory (by default under the runtime's state directory). A blob is
 * written to a temporary name and renamed into place, so a reader never sees half of one. Expired
 * blobs (by modification time) are removed by a periodic sweep that looks at a bounded number of
 * files each time. Publisher and subscribers must share the directory: this store suits one
 * machine (memory transport, or zmq/redis between processes on the same host).
 */
export class FileBlobStore implements BlobStore {
  readonly kind = "file";
  /** Blobs removed by the sweep. */
  swept = 0;
  private readonly dir: string;
  private readonly ttlMs: number;
  private readonly sweepBatch: number;
  private readonly now: () => number;
  private readonly timer: NodeJS.Timeout;
  private ready: Promise<unknown> | undefined;
  private sweeping: Promise<number> | undefined;
  private cursor = 0;

  constructor(private readonly options: FileBlobStoreOptions) {
    this.dir = options.dir;
    this.ttlMs = options.ttlMs;
    this.sweepBatch = options.sweepBatch ?? 1_000;
    this.now = options.now ?? Date.now;
    const interval = options.sweepIntervalMs ?? Math.min(600_000, Math.max(1_000, Math.floor(options.ttlMs / 10)));
    this.timer = setInterval(() => void this.sweep(), interval);
    this.timer.unref();
  }

  async put(ref: string, body: Buffer): Promise<void> {
    await (this.ready ??= mkdir(this.dir, { recursive: true }));
    const final = this.pathOf(ref);
    const temporary = `${final}.${randomBytes(4).toString("hex")}.tmp`;
    try {
      await writeFile(temporary, body);
      await rename(temporary, final);
    } catch (error) {
      await unlink(temporary).catch(() => undefined);
      throw error;
    }
  }

  async get(ref: string): Promise<Buffer | undefined> {
    try {
      return await readFile(this.pathOf(ref));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
      throw error;
    }
  }

  async delete(ref: string): Promise<void> {
    await unlink(this.pathOf(ref)).catch((error: NodeJS.ErrnoException) => {
      if (error.code !== "ENOENT") throw error;
    });
  }

  /**
   * Removes expired blobs (and temporary files a crash left behind) among the next `sweepBatch`
   * files of the directory, resuming where the last sweep stopped. Returns how many it removed.
   */
  sweep(): Promise<number> {
    this.sweeping ??= this.sweepOnce().finally(() => {
      this.sweeping = undefined;
    });
    return this.sweeping;
  }

  close(): Promise<void> {
    clearInterval(this.timer);
    return Promise.resolve();
  }

  private async sweepOnce(): Promise<number> {
    let names: string[];
    try {
      names = await readdir(this.dir);
    } catch {
      return 0; // nothing stored yet
    }
    if (this.cursor >= names.length) this.cursor = 0;
    const batch = names.slice(this.cursor, this.cursor + this.sweepBatch);
    this.cursor += batch.length;
    const cutoff = this.now() - this.ttlMs;
    let removed = 0;
    for (const name of batch) {
      if (!name.endsWith(SUFFIX) && !name.endsWith(".tmp")) continue;
      const file = path.join(this.dir, name);
      try {
        const info = await stat(file);
        if (info.mtimeMs > cutoff) continue;
        await unlink(file);
        removed++;
      } catch {
        // Removed meanwhile by another sweeper sharing the directory.
      }
    }
    this.swept += removed;
    if (removed > 0) this.options.log?.debug({ dir: this.dir, removed }, "claim-check sweep removed expired blobs");
    return removed;
  }

  private pathOf(ref: string): string {
    // Refs are envelope ids (hex and dashes); anything else could name a path outside the directory.
    if (!/^[A-Za-z0-9_-]{1,128}$/.test(ref)) throw new Error(`claim-check ref "${ref.slice(0, 140)}" is not a valid blob name`);
    return path.join(this.dir, `${ref}${SUFFIX}`);
  }
}
