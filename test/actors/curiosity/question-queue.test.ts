import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { comparePriority, QuestionQueue } from "../../../src/actors/curiosity/question-queue.js";
import type { QueuedQuestion } from "../../../src/actors/curiosity/queued-question.js";
import type { Severity } from "../../../src/actors/monitors/finding.js";

function question(id: string, severity: Severity, monitor = "m"): Omit<QueuedQuestion, "seq" | "firstSeen"> {
  return { id, monitor, kind: "k", severity, subject: `s-${id}`, question: `q-${id}?`, evidence: [{ file: "a.py", line: 1 }] };
}

const ids = (list: { questions: QueuedQuestion[] }) => list.questions.map((q) => q.id);

describe("QuestionQueue", () => {
  it("lists by severity, then oldest first, and filters by minimum severity, monitor, kind and limit", () => {
    const queue = new QuestionQueue(10);
    queue.add(question("l1", "low"), "t1");
    queue.add(question("h1", "high", "x"), "t2");
    queue.add(question("m1", "medium"), "t3");
    queue.add(question("h2", "high"), "t4");
    expect(ids(queue.list())).toEqual(["h1", "h2", "m1", "l1"]);
    expect(ids(queue.list({ severity: "medium" }))).toEqual(["h1", "h2", "m1"]);
    expect(ids(queue.list({ severity: "high", monitor: "m" }))).toEqual(["h2"]);
    expect(queue.list({ limit: 2 })).toMatchObject({ total: 4, questions: [{ id: "h1" }, { id: "h2" }] });
    expect(queue.list({ kind: "other" }).total).toBe(0);
    expect(queue.countBySeverity()).toEqual({ high: 2, medium: 1, low: 1 });
  });

  it("dedupes by id, keeping the first arrival's age and the latest wording", () => {
    const queue = new QuestionQueue(10);
    expect(queue.add(question("a", "low"), "t1")).toEqual({ outcome: "added" });
    queue.add(question("b", "low"), "t2");
    expect(queue.add({ ...question("a", "low"), question: "reworded?" }, "t3")).toEqual({ outcome: "duplicate" });
    expect(queue.size).toBe(2);
    expect(queue.list().questions[0]).toMatchObject({ id: "a", firstSeen: "t1", question: "reworded?" });
  });

  it("when full, drops the lowest-severity question that waited longest (the new one when it is the only lowest)", () => {
    const queue = new QuestionQueue(3);
    queue.add(question("l-old", "low"), "t1");
    queue.add(question("h", "high"), "t2");
    queue.add(question("l-new", "low"), "t3");
    expect(queue.add(question("m", "medium"), "t4").evicted).toMatchObject({ id: "l-old" });
    expect(queue.add(question("h2", "high"), "t5").evicted).toMatchObject({ id: "l-new" });
    expect(queue.add(question("l-late", "low"), "t6").evicted).toMatchObject({ id: "l-late" });
    expect(ids(queue.list())).toEqual(["h", "h2", "m"]);
  });

  it("resolves by id and restores a snapshot, keeping the highest priority when the capacity shrank", () => {
    const queue = new QuestionQueue(5);
    for (const [id, severity] of [
      ["a", "low"],
      ["b", "high"],
      ["c", "medium"],
    ] as const)
      queue.add(question(id, severity), id);
    expect(queue.resolve("a")).toBe(true);
    expect(queue.resolve("a")).toBe(false);
    queue.add(question("d", "low"), "d");
    const smaller = new QuestionQueue(2);
    expect(smaller.restore(queue.snapshot())).toBe(1);
    expect(ids(smaller.list())).toEqual(["b", "c"]);
    smaller.add(question("e", "high"), "e");
    // Arrival order continues after the restored questions.
    expect(ids(smaller.list())).toEqual(["b", "e"]);
  });

  it("holds its invariants under any sequence of adds and resolutions (bounded, one per id, priority order, same as a model)", () => {
    const severity = fc.constantFrom<Severity>("low", "medium", "high");
    const op = fc.oneof(
      fc.record({ type: fc.constant("add" as const), id: fc.integer({ min: 0, max: 15 }), severity }),
      fc.record({ type: fc.constant("resolve" as const), id: fc.integer({ min: 0, max: 15 }) }),
    );
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 6 }), fc.array(op, { maxLength: 60 }), (capacity, ops) => {
        const queue = new QuestionQueue(capacity);
        // The model: an array in arrival order; severity of an id is fixed by its first add.
        let model: Array<{ id: string; severity: Severity; seq: number }> = [];
        let seq = 0;
        const rank = { low: 1, medium: 2, high: 3 };
        for (const step of ops) {
          const id = `q${step.id}`;
          if (step.type === "resolve") {
            expect(queue.resolve(id)).toBe(model.some((q) => q.id === id));
            model = model.filter((q) => q.id !== id);
            continue;
          }
          const existing = model.find((q) => q.id === id);
          const added = queue.add(question(id, existing?.severity ?? step.severity), String(seq));
          if (existing !== undefined) {
            expect(added.outcome).toBe("duplicate");
            continue;
          }
          model.push({ id, severity: step.severity, seq: seq++ });
          if (model.length > capacity) {
            const victim = [...model].sort((a, b) => rank[a.severity] - rank[b.severity] || a.seq - b.seq)[0]!;
            expect(added.evicted?.id).toBe(victim.id);
            model = model.filter((q) => q !== victim);
          } else expect(added.evicted).toBeUndefined();
        }
        const listed = queue.list().questions;
        expect(listed.length).toBeLessThanOrEqual(capacity);
        expect(new Set(listed.map((q) => q.id)).size).toBe(listed.length);
        for (let i = 1; i < listed.length; i++) expect(comparePriority(listed[i - 1]!, listed[i]!)).toBeLessThan(0);
        expect(new Set(listed.map((q) => q.id))).toEqual(new Set(model.map((q) => q.id)));
      }),
      { numRuns: 300 },
    );
  });
});
