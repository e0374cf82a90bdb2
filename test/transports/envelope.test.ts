import { describe, expect, it } from "vitest";
import { createEnvelope, isEnvelope, newEnvelopeId } from "../../src/transports/envelope.js";

describe("envelope ids", () => {
  it("are UUIDv7-shaped, unique and strictly increasing", () => {
    const ids = Array.from({ length: 50_000 }, () => newEnvelopeId());
    for (const id of ids) expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-8[0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(new Set(ids).size).toBe(ids.length);
    for (let i = 1; i < ids.length; i++) expect(ids[i]! > ids[i - 1]!).toBe(true);
  });

  it("stay ordered when the clock is given explicitly and does not advance", () => {
    const a = newEnvelopeId(Date.now() + 10_000);
    const b = newEnvelopeId(Date.now());
    expect(b > a).toBe(true);
  });

  it("envelopes carry topic, source, payload and are recognised", () => {
    const envelope = createEnvelope("a.b", { x: 1 }, "me");
    expect(envelope).toMatchObject({ topic: "a.b", source: "me", payload: { x: 1 } });
    expect(isEnvelope(envelope)).toBe(true);
    expect(isEnvelope({ x: 1 })).toBe(false);
  });
});
