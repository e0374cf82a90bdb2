import { describe, expect, it } from "vitest";
import { decideRetry, FailureTracker } from "../../../src/actors/monitors/failure-tracker.js";

describe("retries of a failed analysis", () => {
  it("retries with a doubling delay, then reports after maxAttempts", () => {
    expect(decideRetry(1, 3, 1_000)).toEqual({ action: "retry", attempt: 1, delayMs: 1_000 });
    expect(decideRetry(2, 3, 1_000)).toEqual({ action: "retry", attempt: 2, delayMs: 2_000 });
    expect(decideRetry(3, 3, 1_000)).toEqual({ action: "report", attempts: 3 });
  });

  it("counts failures per content: new content starts again, the same content is given up on", () => {
    const tracker = new FailureTracker(3, 100);
    expect(tracker.record("bad.py", "h1", "syntax").action).toBe("retry");
    expect(tracker.record("bad.py", "h1", "syntax").action).toBe("retry");
    expect(tracker.record("bad.py", "h1", "syntax error at 3:1")).toEqual({ action: "report", attempts: 3 });
    expect(tracker.isGivenUp("bad.py", "h1")).toBe(true);
    expect(tracker.givenUp()).toEqual([{ path: "bad.py", attempts: 3, reason: "syntax error at 3:1" }]);
    // The user edits the file: the new content is tried afresh.
    expect(tracker.isGivenUp("bad.py", "h2")).toBe(false);
    expect(tracker.record("bad.py", "h2", "still bad")).toEqual({ action: "retry", attempt: 1, delayMs: 100 });
    tracker.clear("bad.py");
    expect(tracker.givenUp()).toEqual([]);
  });
});
