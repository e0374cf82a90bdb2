import { describe, expect, it } from "vitest";
import { ResultCache } from "../../../src/actors/monitors/result-cache.js";

describe("ResultCache", () => {
  it("answers only for the content a result was computed from", () => {
    const cache = new ResultCache<string>({ entries: 10, bytes: 1_000 });
    cache.set("a.py", "h1", "facts of h1", 10);
    expect(cache.get("a.py", "h1")).toBe("facts of h1");
    expect(cache.get("a.py", "h2")).toBeUndefined();
    expect(cache.stats()).toMatchObject({ hits: 1, misses: 1, entries: 1, bytes: 10 });
  });

  it("holds its entry bound, least recently used out first, and counts the evictions", () => {
    const cache = new ResultCache<number>({ entries: 500, bytes: 100_000_000 });
    for (let n = 0; n < 5_000; n += 1) {
      cache.set(`f${n}`, "h", n, 100);
      if (n >= 1) cache.get("f0", "h"); // keep f0 recently used
    }
    expect(cache.stats()).toMatchObject({ entries: 500, bytes: 50_000, evictions: 4_500 });
    expect(cache.get("f0", "h")).toBe(0);
    expect(cache.get("f1", "h")).toBeUndefined();
  });

  it("holds its byte bound and refuses a result larger than all of it", () => {
    const cache = new ResultCache<string>({ entries: 1_000, bytes: 1_000 });
    for (let n = 0; n < 50; n += 1) cache.set(`f${n}`, "h", "x", 100);
    expect(cache.stats()).toMatchObject({ entries: 10, bytes: 1_000, evictions: 40 });
    expect(cache.set("huge", "h", "y", 1_001)).toBe(false);
    expect(cache.stats()).toMatchObject({ tooLarge: 1, entries: 10 });
  });

  it("evictHalf drops the least recently used half", () => {
    const cache = new ResultCache<number>({ entries: 100, bytes: 1_000_000 });
    for (let n = 0; n < 10; n += 1) cache.set(`f${n}`, "h", n, 1);
    expect(cache.evictHalf()).toBe(5);
    expect(cache.stats()).toMatchObject({ entries: 5, evictions: 5 });
    expect(cache.get("f9", "h")).toBe(9);
    expect(cache.get("f0", "h")).toBeUndefined();
  });
});
