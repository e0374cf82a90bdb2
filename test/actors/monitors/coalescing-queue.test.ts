import { describe, expect, it } from "vitest";
import { CoalescingQueue } from "../../../src/actors/monitors/coalescing-queue.js";

describe("CoalescingQueue", () => {
  it("collapses repeated events for a path into one entry whose latest change wins", () => {
    const queue = new CoalescingQueue(10, 0);
    queue.push("a.py", "upsert", 0);
    queue.push("b.py", "upsert", 0);
    queue.push("a.py", "upsert", 1);
    queue.push("a.py", "remove", 2);
    expect(queue.takeReady(5)).toEqual([
      { path: "a.py", change: "remove", lastEventAt: 2 },
      { path: "b.py", change: "upsert", lastEventAt: 0 },
    ]);
    expect(queue.stats()).toEqual({ depth: 0, pushed: 4, coalesced: 2, overflowed: 0 });
  });

  it("holds a path until it has been quiet for the debounce, and says how long that is", () => {
    const queue = new CoalescingQueue(10, 100);
    queue.push("a.py", "upsert", 0);
    queue.push("a.py", "upsert", 80);
    expect(queue.takeReady(150)).toEqual([]);
    expect(queue.nextReadyIn(150)).toBe(30);
    expect(queue.takeReady(180)).toEqual([{ path: "a.py", change: "upsert", lastEventAt: 80 }]);
    expect(queue.nextReadyIn(180)).toBeUndefined();
  });

  it("hands out at most `max` ready paths, oldest first", () => {
    const queue = new CoalescingQueue(10, 0);
    for (const path of ["1", "2", "3"]) queue.push(path, "upsert", 0);
    expect(queue.takeReady(0, 2).map((entry) => entry.path)).toEqual(["1", "2"]);
    expect(queue.takeReady(0, 2).map((entry) => entry.path)).toEqual(["3"]);
  });

  it("holds its bound under a burst of 5,000 events and keeps every refused path to re-check", () => {
    const queue = new CoalescingQueue(1_000, 0);
    let accepted = 0;
    for (let n = 0; n < 5_000; n += 1) if (queue.push(`f${n % 1_500}.py`, "upsert", n)) accepted += 1;
    expect(queue.stats().depth).toBe(1_000);
    // 1,000 new paths, then repeats of those 1,000 collapse; the 500 others are refused each time.
    expect(queue.stats().overflowed).toBe(5_000 - accepted);
    const refused = queue.takeOverflowed();
    expect(refused.rescanAll).toBe(false);
    expect(new Set(refused.paths)).toEqual(new Set(Array.from({ length: 500 }, (_, n) => `f${1_000 + n}.py`)));
    expect(queue.takeOverflowed()).toEqual({ paths: [], rescanAll: false });
  });

  it("asks for a re-check of the whole tree when more paths were refused than it can name", () => {
    const queue = new CoalescingQueue(100, 0);
    for (let n = 0; n < 5_000; n += 1) queue.push(`f${n}.py`, "upsert", 0);
    expect(queue.stats()).toMatchObject({ depth: 100, overflowed: 4_900 });
    expect(queue.takeOverflowed()).toEqual({ paths: [], rescanAll: true });
    expect(queue.takeOverflowed()).toEqual({ paths: [], rescanAll: false });
  });

  it("rejects a bound that is not a positive integer", () => {
    expect(() => new CoalescingQueue(0, 0)).toThrow(/positive integer/);
    expect(() => new CoalescingQueue(10, -1)).toThrow(/0 ms or more/);
  });
});
