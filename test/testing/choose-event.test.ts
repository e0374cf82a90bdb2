import { describe, expect, it } from "vitest";
import type { EventObject } from "xstate";
import { chooseEvent, type EventCandidate, type RunProgress } from "../../src/testing/choose-event.js";

function candidate(type: string, transitions: string[], extra: Partial<EventCandidate> = {}): EventCandidate {
  return {
    event: { type },
    transitions,
    targets: [],
    alternatives: transitions,
    ends: false,
    spread: 1,
    closer: false,
    towardTarget: false,
    ...extra,
  };
}

const fresh: RunProgress = { transitions: new Set(), states: new Set(), target: undefined, exhausted: false, lastStep: false };

/** How often each event type is chosen when the step's number sweeps [0, 1) evenly. */
function shares(candidates: EventCandidate[], progress: RunProgress): Record<string, number> {
  const counts: Record<string, number> = {};
  for (let i = 0; i < 1_000; i += 1) {
    const type = chooseEvent(candidates, i / 1_000, progress)?.event.type ?? "none";
    counts[type] = (counts[type] ?? 0) + 1;
  }
  return counts;
}

describe("chooseEvent", () => {
  it("maps the same number to the same event (runs replay), and the lowest number to the first candidate", () => {
    const candidates = [candidate("A", ["a"]), candidate("B", ["b"])];
    expect(chooseEvent(candidates, 0.7, fresh)).toBe(chooseEvent(candidates, 0.7, fresh));
    expect(chooseEvent(candidates, 0, fresh)?.event.type).toBe("A");
    expect(chooseEvent([], 0.5, fresh)).toBeUndefined();
  });

  it("weighs what an event does, not how many payloads do it, and all ignored events together", () => {
    const candidates = [
      candidate("STABILIZE", ["blend"], { event: { type: "STABILIZE", alpha: 0.1 } as EventObject, targets: ["BLENDING"] }),
      candidate("STABILIZE", ["blend"], { event: { type: "STABILIZE", alpha: 0.2 } as EventObject, targets: ["BLENDING"] }),
      candidate("STABILIZE", ["blend"], { event: { type: "STABILIZE", alpha: 0.3 } as EventObject, targets: ["BLENDING"] }),
      candidate("CULL", ["cull"], { targets: ["CULLED"] }),
      candidate("X", []),
      candidate("Y", []),
    ];
    const counts = shares(candidates, fresh);
    // Two new transitions into states the run was not in (50 each), then the ignored events (1 together).
    expect(counts.STABILIZE).toBeCloseTo(counts.CULL ?? 0, -1);
    expect((counts.X ?? 0) + (counts.Y ?? 0)).toBeLessThan(15);
  });

  it("prefers the run's target, then steps toward it, and keeps ways out of the machine for last", () => {
    const progress: RunProgress = { ...fresh, transitions: new Set(["next", "stop"]), target: "goal" };
    const counts = shares(
      [candidate("NEXT", ["next"], { towardTarget: true }), candidate("STOP", ["stop"], { ends: true }), candidate("GOAL", ["goal"])],
      progress,
    );
    expect(counts.GOAL).toBeGreaterThan(850);
    expect(counts.NEXT).toBeGreaterThan(counts.STOP ?? 0);
    const lastStep = shares([candidate("NEXT", ["next"]), candidate("STOP", ["stop"], { ends: true })], {
      ...progress,
      target: undefined,
      lastStep: true,
    });
    expect(lastStep.STOP).toBeGreaterThan(900);
  });

  it("divides the weight of a transition offered in many states by how many", () => {
    const counts = shares([candidate("OWN", ["own"]), candidate("EVERYWHERE", ["root"], { spread: 10 })], fresh);
    expect(counts.OWN).toBeGreaterThan(880);
  });
});
