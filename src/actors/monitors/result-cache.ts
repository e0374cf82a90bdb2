import { LRUCache } from "lru-cache";

/** Counters of one {@link ResultCache}. */
export interface ResultCacheStats {
  entries: number;
  bytes: number;
  hits: number;
  misses: number;
  /** Entries pushed out by the entry or byte bound (or by {@link ResultCache.evictHalf}). */
  evictions: number;
  /** Results larger than the whole byte bound, never stored. */
  tooLarge: number;
}

interface Entry<T> {
  hash: string;
  result: T;
  bytes: number;
}

/**
 * Per-file analysis results keyed by path and content hash, least recently used first out,
 * bounded both by entries and by bytes (the caller states each result's size). A result is
 * returned only for the content it was computed from, so a changed file is never answered from
 * the cache, and an unchanged one is never analysed twice while it stays cached.
 */
export class ResultCache<T> {
  private readonly cache: LRUCache<string, Entry<T>>;
  private hits = 0;
  private misses = 0;
  private evictions = 0;
  private tooLarge = 0;

  constructor(limits: { entries: number; bytes: number }) {
    if (!Number.isInteger(limits.entries) || limits.entries < 1)
      throw new RangeError(`cache entries must be a positive integer, got ${limits.entries}`);
    if (!Number.isInteger(limits.bytes) || limits.bytes < 1)
      throw new RangeError(`cache bytes must be a positive integer, got ${limits.bytes}`);
    this.cache = new LRUCache<string, Entry<T>>({
      max: limits.entries,
      maxSize: limits.bytes,
      sizeCalculation: (entry) => Math.max(1, entry.bytes),
      dispose: (_entry, _path, reason) => {
        if (reason === "evict") this.evictions += 1;
      },
    });
  }

  /** The result computed for `path` with content `hash`, or undefined (a miss) for any other content. */
  get(path: string, hash: string): T | undefined {
    const entry = this.cache.get(path);
    if (entry?.hash === hash) {
      this.hits += 1;
      return entry.result;
    }
    this.misses += 1;
    return undefined;
  }

  /** Stores `result` for `path` at content `hash`; false when it alone is larger than the byte bound. */
  set(path: string, hash: string, result: T, bytes: number): boolean {
    if (bytes > this.cache.maxSize) {
      this.tooLarge += 1;
      this.cache.delete(path);
      return false;
    }
    this.cache.set(path, { hash, result, bytes });
    return true;
  }

  delete(path: string): void {
    this.cache.delete(path);
  }

  /** Drops the least recently used half (the memory watchdog's first response). */
  evictHalf(): number {
    const drop = Math.floor(this.cache.size / 2);
    // pop() takes the least recently used entry; its dispose counts the eviction.
    for (let dropped = 0; dropped < drop; dropped += 1) this.cache.pop();
    return drop;
  }

  stats(): ResultCacheStats {
    return {
      entries: this.cache.size,
      bytes: this.cache.calculatedSize,
      hits: this.hits,
      misses: this.misses,
      evictions: this.evictions,
      tooLarge: this.tooLarge,
    };
  }
}
