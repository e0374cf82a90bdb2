import { describe, expect, it } from "vitest";
import { createEnvelope, isEnvelope, newEnvelopeId } from "../../src/transports/envelope.js";

describe("envelope ids", () => {
  it("are UUIDv7-shaped, unique and strictly increasing", () => {
    const ids = Array.from({ length: 50_000 }, () => newEnvelopeId());
    // One assertion per property (not 100,000 expect calls), so a loaded machine runs it quickly.
    const shape = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-8[0-9a-f]{3}-[0-9a-f]{12}$/;
    expect(ids.filter((id) => !shape.test(id))).toEqual([]);
    expect(new Set(ids).size).toBe(ids.length);
    const outOfOrder = ids.findIndex((id, i) => i > 0 && !(id > ids[i - 1]!));
    expect(outOfOrder === -1 ? "strictly increasing" : `${ids[outOfOrder - 1]} then ${ids[outOfOrder]}`).toBe("strictly increasing");
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
