import { mkdirSync, readdirSync, readFileSync, renameSync, unlinkSync, writeFileSync } from "node:fs";
import path from "node:path";

/** One closed batch waiting to be published. */
export interface SpooledBatch {
  topic: string;
  samples: unknown[];
}

/** What a full spool gives up: the oldest batch waiting, or the one arriving. */
export type SpoolOverflow = "drop-oldest" | "drop-newest";

/** Bounds of a {@link Spool}. */
export interface SpoolOptions {
  /** Batches held in memory. */
  memoryBatches: number;
  /** Directory of the disk tier; absent = memory only. */
  dir?: string;
  /** Batches held on disk once memory is full (ignored without `dir`). */
  diskBatches: number;
  overflow: SpoolOverflow;
  /** Called for every batch given up, with the reason. */
  onDrop(batch: SpooledBatch, reason: SpoolOverflow): void;
}

const FILE = /^(\d{12})\.batch\.json$/;

/**
 * The queue between `record()` and the bus, first in first out: the oldest batches in memory, the
 * rest (once memory is full) one file each on disk, written atomically. Bounded on both tiers; a
 * full spool gives up the oldest or the newest batch (counted by the caller through `onDrop`).
 * Files left by an earlier process are the oldest batches and go out first. Disk access is
 * synchronous: it happens only while the transport is down, off the recording path, and keeps
 * the order trivially right.
 */
export class Spool {
  private readonly memory: SpooledBatch[] = [];
  private readonly files: string[] = [];
  private nextSeq = 0;

  constructor(private readonly options: SpoolOptions) {
    if (options.dir !== undefined && options.diskBatches > 0) {
      mkdirSync(options.dir, { recursive: true });
      const found = readdirSync(options.dir)
        .filter((name) => FILE.test(name))
        .sort();
      this.files.push(...found);
      const last = found[found.length - 1];
      this.nextSeq = last === undefined ? 0 : Number(FILE.exec(last)?.[1] ?? 0) + 1;
    }
  }

  /** Batches waiting, on both tiers. */
  get length(): number {
    return this.memory.length + this.files.length;
  }

  /** Batches waiting on disk. */
  get onDisk(): number {
    return this.files.length;
  }

  private get diskCapacity(): number {
    return this.options.dir === undefined ? 0 : this.options.diskBatches;
  }

  /** Queues `batch` behind every other, applying the overflow policy when both tiers are full. */
  push(batch: SpooledBatch): void {
    if (this.files.length === 0 && this.memory.length < this.options.memoryBatches) {
      this.memory.push(batch);
      return;
    }
    if (this.files.length < this.diskCapacity) {
      this.write(batch);
      return;
    }
    if (this.options.overflow === "drop-newest" || this.length === 0) {
      this.options.onDrop(batch, "drop-newest");
      return;
    }
    this.options.onDrop(this.shift() as SpooledBatch, "drop-oldest");
    this.push(batch);
  }

  /** The oldest batch, removed; memory is refilled from disk so it keeps holding the oldest. */
  shift(): SpooledBatch | undefined {
    const head = this.memory.shift();
    if (head === undefined) return this.readOldest();
    if (this.files.length > 0 && this.memory.length < this.options.memoryBatches) {
      const next = this.readOldest();
      if (next !== undefined) this.memory.push(next);
    }
    return head;
  }

  /** Puts a batch taken by `shift` back at the front (its publish failed). */
  unshift(batch: SpooledBatch): void {
    this.memory.unshift(batch);
  }

  private write(batch: SpooledBatch): void {
    const dir = this.options.dir as string;
    const name = `${String(this.nextSeq++).padStart(12, "0")}.batch.json`;
    const temporary = path.join(dir, `${name}.tmp`);
    writeFileSync(temporary, JSON.stringify(batch));
    renameSync(temporary, path.join(dir, name));
    this.files.push(name);
  }

  private readOldest(): SpooledBatch | undefined {
    const dir = this.options.dir as string;
    while (this.files.length > 0) {
      const name = this.files.shift() as string;
      const file = path.join(dir, name);
      try {
        const batch = JSON.parse(readFileSync(file, "utf8")) as SpooledBatch;
        unlinkSync(file);
        return batch;
      } catch {
        // Removed by hand or unreadable: skip it rather than stall the spool.
        try {
          unlinkSync(file);
        } catch {
          /* already gone */
        }
      }
    }
    return undefined;
  }
}
