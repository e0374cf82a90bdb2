import { describe, expect, it } from "vitest";
import { findingId, makeFinding, reachesSeverity } from "../../../src/actors/monitors/finding.js";
import { diffFindings, FindingsLedger } from "../../../src/actors/monitors/findings-ledger.js";

const orphan = (topic: string, line = 3) =>
  makeFinding({
    kind: "orphaned-topic",
    severity: "medium",
    subject: topic,
    question: `${topic} is published but nothing subscribes to it: who should consume it?`,
    evidence: [{ file: "pub.py", line }],
  });

describe("findings", () => {
  it("ids depend on kind, subject and evidence, not on the order evidence was met in", () => {
    const places = [
      { file: "a.py", line: 1 },
      { file: "b.ts", line: 9 },
    ];
    expect(findingId("endpoint-conflict", "tcp://*:5556", places)).toBe(
      findingId("endpoint-conflict", "tcp://*:5556", [...places].reverse()),
    );
    expect(findingId("endpoint-conflict", "tcp://*:5556", places)).not.toBe(findingId("unbound-endpoint", "tcp://*:5556", places));
    expect(findingId("endpoint-conflict", "tcp://*:5556", places)).toMatch(/^[0-9a-f]{16}$/);
  });

  it("the ledger raises a finding once, resolves it when it is gone, and a restored ledger raises nothing again", () => {
    const ledger = new FindingsLedger();
    expect(ledger.reconcile([orphan("a.x"), orphan("b.x")]).raised.map((f) => f.subject)).toEqual(["a.x", "b.x"]);
    expect(ledger.reconcile([orphan("a.x"), orphan("b.x")])).toEqual({ raised: [], resolved: [] });
    const next = ledger.reconcile([orphan("b.x"), orphan("c.x")]);
    expect(next.raised.map((f) => f.subject)).toEqual(["c.x"]);
    expect(next.resolved.map((f) => f.subject)).toEqual(["a.x"]);

    const restarted = new FindingsLedger();
    restarted.restore(ledger.open());
    expect(restarted.reconcile([orphan("b.x"), orphan("c.x")])).toEqual({ raised: [], resolved: [] });
  });

  it("diffFindings treats moved evidence as a new finding (the old one resolves)", () => {
    const before = orphan("a.x", 3);
    const after = orphan("a.x", 4);
    expect(diffFindings(new Map([[before.id, before]]), [after])).toEqual({ raised: [after], resolved: [before] });
  });

  it("severity thresholds", () => {
    expect(reachesSeverity("high", "medium")).toBe(true);
    expect(reachesSeverity("low", "medium")).toBe(false);
    expect(reachesSeverity("medium", "medium")).toBe(true);
  });
});
