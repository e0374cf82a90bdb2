import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { backoffDelay, RestartBackoff } from "../../../src/runtime/supervision/restart-backoff.js";
import { NonRetryableError } from "../../../src/common/errors.js";
import { decideRestart, type ChildView, type DecisionInput } from "../../../src/runtime/supervision/restart-decision.js";
import { RestartIntensity } from "../../../src/runtime/supervision/restart-intensity.js";

describe("backoff", () => {
  const spec = { minMs: 100, maxMs: 1_000, jitter: 0 };

  it("doubles from minMs up to maxMs", () => {
    const backoff = new RestartBackoff(spec, 5_000, () => 0.5);
    const delays = Array.from({ length: 6 }, (_, i) => backoff.nextDelay(i));
    expect(delays).toEqual([100, 200, 400, 800, 1_000, 1_000]);
  });

  it("resets after the child ran stableMs without failing, not before", () => {
    const backoff = new RestartBackoff(spec, 5_000, () => 0.5);
    backoff.nextDelay(0);
    backoff.nextDelay(1);
    backoff.markRunning(10);
    expect(backoff.nextDelay(4_000)).toBe(400); // ran 3,990 ms < stableMs
    backoff.markRunning(4_001);
    expect(backoff.nextDelay(9_001)).toBe(100); // ran exactly stableMs
    expect(backoff.consecutive).toBe(1);
  });

  it("a child that never reached running does not reset its backoff", () => {
    const backoff = new RestartBackoff(spec, 10, () => 0.5);
    backoff.nextDelay(0);
    expect(backoff.nextDelay(1_000_000)).toBe(200);
  });

  it("stays within [1 - jitter, 1 + jitter] of the exponential delay and never exceeds maxMs * (1 + jitter)", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 10_000 }),
        fc.integer({ min: 0, max: 100_000 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.integer({ min: 1, max: 2_000 }),
        fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
        (minMs, extra, jitter, consecutive, draw) => {
          const maxMs = minMs + extra;
          const base = minMs === 0 ? 0 : Math.min(maxMs, minMs * 2 ** (consecutive - 1));
          const delay = backoffDelay({ minMs, maxMs, jitter }, consecutive, draw);
          expect(delay).toBeGreaterThanOrEqual(Math.floor(base * (1 - jitter)));
          expect(delay).toBeLessThanOrEqual(Math.ceil(base * (1 + jitter)));
          expect(delay).toBeLessThanOrEqual(Math.ceil(maxMs * (1 + jitter)));
        },
      ),
    );
  });

  it("is zero without a backoff", () => {
    expect(backoffDelay({ minMs: 0, maxMs: 0, jitter: 0.5 }, 7, 0.9)).toBe(0);
  });
});

describe("restart intensity", () => {
  it("counts restarts inside the sliding period only", () => {
    const window = new RestartIntensity(2, 1_000);
    window.record(0);
    window.record(500);
    expect(window.wouldExceed(999)).toBe(true);
    expect(window.recent(1_000)).toBe(1); // the restart at 0 left the window
    expect(window.wouldExceed(1_000)).toBe(false);
  });

  it("never lets the restarts inside any period exceed the intensity (model check)", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 5 }),
        fc.integer({ min: 1, max: 100 }),
        fc.array(fc.integer({ min: 0, max: 50 }), { maxLength: 200 }),
        (intensity, periodMs, gaps) => {
          const window = new RestartIntensity(intensity, periodMs);
          const made: number[] = [];
          let now = 0;
          for (const gap of gaps) {
            now += gap;
            const expected = made.filter((t) => t > now - periodMs).length + 1 > intensity;
            expect(window.wouldExceed(now)).toBe(expected);
            if (!expected) {
              window.record(now);
              made.push(now);
            }
          }
          for (const t of made) expect(made.filter((u) => u >= t && u < t + periodMs).length).toBeLessThanOrEqual(intensity);
        },
      ),
    );
  });
});

describe("restart decision", () => {
  const children: ChildView[] = [
    { id: "a", restart: "permanent" },
    { id: "b", restart: "transient" },
    { id: "t", restart: "temporary" },
    { id: "c", restart: "permanent" },
  ];
  const base = (overrides: Partial<DecisionInput>): DecisionInput => ({
    strategy: "one_for_one",
    child: children[0] as ChildView,
    exit: { reason: "failure", error: new Error("boom") },
    children: () => children,
    recentRestarts: 0,
    intensity: 5,
    periodMs: 30_000,
    ...overrides,
  });

  it("one_for_one restarts only the child, on its own, without listing the siblings", () => {
    let listed = false;
    const decision = decideRestart(base({ children: () => ((listed = true), children) }));
    expect(decision).toEqual({ action: "restart", stop: [], remove: [], start: ["a"], ordered: false });
    expect(listed).toBe(false);
  });

  it("one_for_all stops the others in reverse, removes temporaries, restarts the rest in order", () => {
    expect(decideRestart(base({ strategy: "one_for_all", child: { id: "b", restart: "transient" } }))).toEqual({
      action: "restart",
      stop: ["c", "t", "a"],
      remove: ["t"],
      start: ["a", "b", "c"],
      ordered: true,
    });
  });

  it("rest_for_one restarts the child and the later ones", () => {
    expect(decideRestart(base({ strategy: "rest_for_one", child: { id: "b", restart: "transient" } }))).toEqual({
      action: "restart",
      stop: ["c", "t"],
      remove: ["t"],
      start: ["b", "c"],
      ordered: true,
    });
  });

  it("applies restart types", () => {
    expect(decideRestart(base({ child: { id: "t", restart: "temporary" } })).action).toBe("remove");
    expect(decideRestart(base({ child: { id: "b", restart: "transient" }, exit: { reason: "normal" } })).action).toBe("keep");
    expect(decideRestart(base({ child: { id: "b", restart: "transient" } })).action).toBe("restart");
    expect(decideRestart(base({ exit: { reason: "normal" } })).action).toBe("restart");
  });

  it("escalates past the intensity and at once on non-retryable errors", () => {
    expect(decideRestart(base({ recentRestarts: 5 }))).toMatchObject({ action: "escalate", cause: "intensity" });
    expect(decideRestart(base({ recentRestarts: 4 })).action).toBe("restart");
    expect(decideRestart(base({ exit: { reason: "failure", error: new NonRetryableError("config") } }))).toMatchObject({
      action: "escalate",
      cause: "non-retryable",
    });
    expect(
      decideRestart(base({ child: { id: "t", restart: "temporary" }, exit: { reason: "failure", error: new NonRetryableError("x") } }))
        .action,
    ).toBe("remove");
  });
});
