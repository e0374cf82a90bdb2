import { describe, expect, it } from "vitest";
import { decideMemoryAction } from "../../../src/actors/monitors/memory-watchdog.js";
import { RateLimiter } from "../../../src/actors/monitors/rate-limiter.js";

describe("the monitor's rate limit", () => {
  it("allows a burst of perSecond, then one per 1/perSecond seconds, and says how long to wait", () => {
    const limiter = new RateLimiter(10, 0);
    let taken = 0;
    while (limiter.tryTake(0)) taken++;
    expect(taken).toBe(10);
    expect(limiter.waitMs(0)).toBe(100);
    expect(limiter.tryTake(50)).toBe(false);
    expect(limiter.tryTake(100)).toBe(true);
    expect(limiter.waitMs(100)).toBe(100);
  });

  it("refuses a rate that is not above 0", () => {
    expect(() => new RateLimiter(0, 0)).toThrow(/above 0/);
  });
});

describe("the monitor's memory watchdog", () => {
  const limits = { softBytes: 100, hardBytes: 200 };
  it("evicts once per crossing of the soft limit, and fails above the hard one", () => {
    expect(decideMemoryAction(50, limits, false)).toBe("none");
    expect(decideMemoryAction(150, limits, false)).toBe("evict-half");
    expect(decideMemoryAction(150, limits, true)).toBe("none");
    expect(decideMemoryAction(250, limits, true)).toBe("fail");
  });
});
