import { describe, expect, it } from "vitest";
import { SimulatedClock } from "../../src/testing/simulated-clock.js";

describe("SimulatedClock", () => {
  it("fires timers in due order, each with now() at its due time, only when advanced", () => {
    const clock = new SimulatedClock(1_000);
    const fired: string[] = [];
    clock.setTimeout(() => fired.push(`b@${clock.now()}`), 20);
    clock.setTimeout(() => fired.push(`a@${clock.now()}`), 10);
    clock.setTimeout(() => fired.push(`c@${clock.now()}`), 20);
    expect(fired).toEqual([]);
    clock.advance(15);
    expect(fired).toEqual(["a@1010"]);
    expect(clock.now()).toBe(1_015);
    clock.advance(5);
    // Same due time: the order they were set in.
    expect(fired).toEqual(["a@1010", "b@1020", "c@1020"]);
    expect(clock.pending).toBe(0);
  });

  it("repeats intervals until cleared and fires timers set by callbacks within the same advance", () => {
    const clock = new SimulatedClock();
    const fired: string[] = [];
    const interval = clock.setInterval(() => {
      fired.push(`tick@${clock.now()}`);
      if (clock.now() === 20) clock.setTimeout(() => fired.push(`echo@${clock.now()}`), 5);
    }, 10);
    clock.advance(35);
    expect(fired).toEqual(["tick@10", "tick@20", "echo@25", "tick@30"]);
    clock.clearInterval(interval);
    clock.advance(100);
    expect(fired).toHaveLength(4);
    expect(clock.nextDue()).toBeUndefined();
  });

  it("cancels a timeout and refuses to go back in time", () => {
    const clock = new SimulatedClock();
    const handle = clock.setTimeout(() => expect.unreachable("a cleared timeout fired"), 5);
    expect(clock.nextDue()).toBe(5);
    clock.clearTimeout(handle);
    clock.advance(10);
    expect(() => clock.advanceTo(5)).toThrow(/forward only \(now 10, asked 5\)/);
    expect(() => clock.advance(-1)).toThrow(RangeError);
  });

  it("lets a throwing callback reach the test, time stopped at its due time, later timers pending", () => {
    const clock = new SimulatedClock();
    const fired: number[] = [];
    clock.setTimeout(() => {
      throw new Error("timer callback failed");
    }, 1);
    clock.setTimeout(() => fired.push(clock.now()), 2);
    expect(() => clock.advance(5)).toThrow("timer callback failed");
    expect(fired).toEqual([]);
    expect(clock.now()).toBe(1);
    clock.advance(1);
    expect(fired).toEqual([2]);
  });
});
