import { describe, expect, it } from "vitest";
import { createEnvelope } from "../../../src/transports/envelope.js";
import {
  BATCH_MARKER,
  decodeBatch,
  decodeFrames,
  encodeEach,
  encodeEnvelope,
  encodeRuns,
  isBatchTopic,
} from "../../../src/transports/zmq/frames.js";

const buffers = (...parts: string[]): Buffer[] => parts.map((part) => Buffer.from(part));

describe("zmq frames", () => {
  it("round-trips a plexus envelope as exactly [topic, json]", () => {
    const envelope = createEnvelope("orders.created", { n: 1 }, "svc", { trace: "t" });
    const frames = encodeEnvelope(envelope);
    expect(frames).toEqual(["orders.created", JSON.stringify(envelope)]);
    const decoded = decodeFrames("orders.created", buffers(...frames));
    expect(decoded).toEqual({ ok: true, envelope, foreign: false });
  });

  it("wraps foreign JSON of any shape with source external", () => {
    for (const json of ['{"celsius":20}', "[1,2]", "42", '"text"', "null"]) {
      const decoded = decodeFrames("sensor.t", buffers("sensor.t", json));
      expect(decoded.ok && decoded.foreign).toBe(true);
      if (decoded.ok) {
        expect(decoded.envelope.payload).toEqual(JSON.parse(json));
        expect(decoded.envelope.source).toBe("external");
        expect(decoded.envelope.topic).toBe("sensor.t");
      }
    }
  });

  it("refuses non-JSON and wrong frame counts with a reason", () => {
    const notJson = decodeFrames("a.b", buffers("a.b", "{oops"));
    expect(notJson).toMatchObject({ ok: false, topic: "a.b", raw: "{oops" });
    expect(!notJson.ok && notJson.reason).toMatch(/not JSON/);
    const single = decodeFrames("a.b {}", buffers("a.b {}"));
    expect(!single.ok && single.reason).toMatch(/2-frame/);
    const triple = decodeFrames("a.b", buffers("a.b", "{}", "{}"));
    expect(!triple.ok && triple.reason).toMatch(/got 3 frame/);
  });

  it("encodes runs of one topic as batch messages, keeping order and bounds", () => {
    const batch = [
      ...Array.from({ length: 5 }, (_, i) => createEnvelope("a.x", { i }, "s")),
      createEnvelope("a.y", { i: 5 }, "s"),
      createEnvelope("a.x", { i: 6 }, "s"),
    ];
    const messages = encodeRuns(batch, 3, []);
    expect(messages.map((m) => [m.frames[0], m.count])).toEqual([
      [`${BATCH_MARKER}a.x`, 3],
      [`${BATCH_MARKER}a.x`, 2],
      [`${BATCH_MARKER}a.y`, 1],
      [`${BATCH_MARKER}a.x`, 1],
    ]);
    const decoded = messages.flatMap((m) => {
      expect(isBatchTopic(m.frames[0] as string)).toBe(true);
      const result = decodeBatch((m.frames[0] as string).slice(BATCH_MARKER.length), buffers(...m.frames));
      return result.ok ? result.envelopes : [];
    });
    expect(decoded).toEqual(batch);
    expect(encodeEach(batch, []).every((m) => m.count === 1 && !isBatchTopic(m.frames[0] as string))).toBe(true);
  });

  it("delivers an envelope only on its own topic: one carried under another frame topic is refused", () => {
    const envelope = createEnvelope("y.other", { n: 1 }, "svc");
    const single = decodeFrames("x.a", buffers("x.a", JSON.stringify(envelope)));
    expect(single).toMatchObject({ ok: false, topic: "x.a" });
    expect(!single.ok && single.reason).toMatch(/own topic "y\.other" differs from its frame topic "x\.a"/);
    const batch = decodeBatch("x.a", buffers(BATCH_MARKER + "x.a", JSON.stringify([createEnvelope("x.a", 1, "svc"), envelope])));
    expect(batch).toMatchObject({ ok: false, topic: "x.a" });
    expect(!batch.ok && batch.reason).toMatch(/own topic "y\.other"/);
  });

  it("refuses messages nested deeper than maxDepth, the envelope counting as one level", () => {
    const nested = (depth: number) => JSON.parse("[".repeat(depth) + "]".repeat(depth)) as unknown;
    const within = createEnvelope("a.b", nested(3), "svc"); // envelope + 3 = 4 levels
    expect(decodeFrames("a.b", buffers("a.b", JSON.stringify(within)), 4).ok).toBe(true);
    const deeper = decodeFrames("a.b", buffers("a.b", JSON.stringify(createEnvelope("a.b", nested(4), "svc"))), 4);
    expect(deeper).toMatchObject({ ok: false, topic: "a.b" });
    expect(!deeper.ok && deeper.reason).toMatch(/frame 1 is nested deeper than 4 levels \(bus\.maxDepth/);
    // Foreign JSON is the payload of the envelope it gets wrapped in.
    expect(decodeFrames("a.b", buffers("a.b", JSON.stringify(nested(3))), 4).ok).toBe(true);
    expect(decodeFrames("a.b", buffers("a.b", JSON.stringify(nested(4))), 4).ok).toBe(false);
    // A batch is an array of envelopes: one level more.
    const batch = JSON.stringify([within, within]);
    expect(decodeBatch("a.b", buffers(BATCH_MARKER + "a.b", batch), 4).ok).toBe(true);
    expect(decodeBatch("a.b", buffers(BATCH_MARKER + "a.b", batch), 3).ok).toBe(false);
  });

  it("refuses a batch that is not an array of envelopes", () => {
    expect(decodeBatch("a", buffers("x", "[1]"))).toMatchObject({ ok: false, reason: expect.stringMatching(/array of envelopes/) });
    expect(decodeBatch("a", buffers("x", "[")).ok).toBe(false);
  });
});
