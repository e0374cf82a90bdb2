import { describe, expect, it } from "vitest";
import { silentLogger } from "../../../src/common/logger.js";
import { createEnvelope } from "../../../src/transports/envelope.js";
import { decodeEntry, encodeEntries, encodeEnvelope, entryFields, plexusEntry } from "../../../src/transports/redis/codec.js";
import { DedupeWindow } from "../../../src/transports/redis/dedupe-window.js";
import { parseAutoClaimReply, parseGroupInfo } from "../../../src/transports/redis/replies.js";
import { consumerName, RedisStreamLayout } from "../../../src/transports/redis/stream-layout.js";
import { TrimGuard } from "../../../src/transports/redis/trim-guard.js";
import type { Refusal } from "../../../src/transports/unencodable.js";

describe("redis codec", () => {
  it("round-trips an envelope through stream fields", () => {
    const envelope = createEnvelope("a.b", { x: [1, 2] }, "me", { trace: "t1" });
    const decoded = decodeEntry("1-0", entryFields(encodeEnvelope(envelope)));
    expect(decoded).toEqual({ kind: "envelope", envelope, foreign: false });
  });

  it("wraps foreign entries, keeping their own id when they have one", () => {
    const wrapped = decodeEntry("1700000000000-3", { event_type: "orion.alert", payload: '{"level":2}', id: "evt-9" });
    expect(wrapped).toMatchObject({
      kind: "envelope",
      foreign: true,
      envelope: { id: "evt-9", topic: "orion.alert", source: "external", payload: { level: 2 }, ts: 1700000000000 },
    });
    const anonymous = decodeEntry("5-1", { topic: "x.y", data: "3" });
    expect(anonymous).toMatchObject({ kind: "envelope", envelope: { id: "redis-5-1", payload: 3 } });
  });

  it("explains why an entry cannot be decoded", () => {
    expect(decodeEntry("1-0", { data: "{}" })).toMatchObject({ kind: "undecodable", reason: expect.stringContaining("no topic field") });
    expect(decodeEntry("1-0", { topic: "a", other: "x" })).toMatchObject({
      kind: "undecodable",
      topic: "a",
      reason: expect.stringContaining("JSON body"),
    });
    expect(decodeEntry("1-0", { topic: "a", envelope: "{}" })).toMatchObject({
      kind: "undecodable",
      reason: expect.stringContaining("not an envelope"),
    });
    expect(decodeEntry("1-0", { topic: "a", envelope: "{" })).toMatchObject({
      kind: "undecodable",
      reason: expect.stringContaining("not JSON"),
    });
  });
});

describe("redis codec, depth and topic bounds", () => {
  const nested = (depth: number) => JSON.parse("[".repeat(depth) + "]".repeat(depth)) as unknown;

  it("refuses entries nested deeper than maxDepth, the envelope counting as one level", () => {
    const within = createEnvelope("a.b", nested(3), "me");
    expect(decodeEntry("1-0", entryFields(encodeEnvelope(within)), 4)).toMatchObject({ kind: "envelope" });
    expect(decodeEntry("1-0", entryFields(encodeEnvelope(createEnvelope("a.b", nested(4), "me"))), 4)).toMatchObject({
      kind: "undecodable",
      reason: expect.stringMatching(/field "envelope" of entry 1-0 is nested deeper than 4 levels/),
    });
    expect(decodeEntry("1-0", { topic: "a.b", data: JSON.stringify(nested(3)) }, 4)).toMatchObject({ kind: "envelope", foreign: true });
    expect(decodeEntry("1-0", { topic: "a.b", data: JSON.stringify(nested(4)) }, 4)).toMatchObject({ kind: "undecodable" });
    const packed = encodeEntries([within, within], 2, [])[0]!;
    expect(decodeEntry("1-0", entryFields(packed.fields), 4)).toMatchObject({ kind: "packed" });
    expect(decodeEntry("1-0", entryFields(packed.fields), 3)).toMatchObject({ kind: "undecodable" });
  });

  it("refuses an envelope whose own topic is not the entry's", () => {
    const stray = createEnvelope("y.other", 1, "me");
    expect(decodeEntry("1-0", { topic: "x.a", envelope: JSON.stringify(stray) })).toMatchObject({
      kind: "undecodable",
      topic: "x.a",
      reason: expect.stringMatching(/own topic "y\.other" differs from its entry topic "x\.a"/),
    });
  });

  it("leaves an envelope JSON cannot encode out of the entries, recording why", () => {
    const refused: Refusal[] = [];
    const bad = createEnvelope("a", { big: 1n }, "me");
    const entries = encodeEntries([make("a", 0), bad, make("a", 1)], 5, refused);
    expect(entries).toHaveLength(1);
    expect(entries[0]?.count).toBe(2);
    expect(refused.map((refusal) => refusal.envelope.id)).toEqual([bad.id]);
    expect(refused[0]?.error.message).toMatch(/BigInt/);
  });

  function make(topic: string, n: number) {
    return createEnvelope(topic, { n }, "me");
  }
});

describe("redis codec, packed entries", () => {
  const make = (topic: string, n: number) => createEnvelope(topic, { n }, "me");

  it("packs consecutive runs per topic, at most `pack` long, and writes runs of one plainly", () => {
    const batch = [make("a", 0), make("a", 1), make("a", 2), make("b", 3), make("a", 4)];
    const entries = encodeEntries(batch, 2, []);
    expect(entries.map((e) => [e.topic, e.fields[2], e.count])).toEqual([
      ["a", "envelopes", 2],
      ["a", "envelope", 1],
      ["b", "envelope", 1],
      ["a", "envelope", 1],
    ]);
    expect(decodeEntry("1-0", entryFields(entries[0]?.fields ?? []))).toEqual({ kind: "packed", topic: "a", envelopes: batch.slice(0, 2) });
    expect(plexusEntry(entries[0]?.fields ?? [])).toMatchObject({ topic: "a", packed: true });
    expect(encodeEntries(batch, 1, []).map((e) => e.fields)).toEqual(batch.map((e) => encodeEnvelope(e)));
  });

  it("explains why a packed entry cannot be decoded", () => {
    const ok = JSON.stringify([make("a", 0)]);
    expect(decodeEntry("1-0", { envelopes: ok })).toMatchObject({
      kind: "undecodable",
      reason: expect.stringContaining('no "topic" field'),
    });
    expect(decodeEntry("1-0", { topic: "a", envelopes: "[" })).toMatchObject({
      kind: "undecodable",
      topic: "a",
      reason: expect.stringContaining("not JSON"),
    });
    expect(decodeEntry("1-0", { topic: "a", envelopes: "[]" })).toMatchObject({
      kind: "undecodable",
      reason: expect.stringContaining("non-empty JSON array"),
    });
    expect(decodeEntry("1-0", { topic: "a", envelopes: "[{}]" })).toMatchObject({
      kind: "undecodable",
      reason: expect.stringContaining("element 0"),
    });
    // Filtering trusts the entry's topic, so an envelope on another topic must not slip through.
    expect(decodeEntry("1-0", { topic: "b", envelopes: ok })).toMatchObject({
      kind: "undecodable",
      topic: "b",
      reason: expect.stringContaining('on topic "a"'),
    });
  });
});

describe("DedupeWindow", () => {
  it("remembers the last `capacity` ids and counts evictions", () => {
    const window = new DedupeWindow(3);
    for (const id of ["a", "b", "c", "a"]) window.add(id);
    expect(window.size).toBe(3);
    window.add("d"); // evicts "a", the oldest
    expect(window.has("a")).toBe(false);
    expect(["b", "c", "d"].every((id) => window.has(id))).toBe(true);
    expect(window.evictions).toBe(1);
  });

  it("stays bounded under many ids and can be disabled", () => {
    const window = new DedupeWindow(100);
    for (let i = 0; i < 10_000; i++) window.add(String(i));
    expect(window.size).toBe(100);
    expect(window.evictions).toBe(9_900);
    const off = new DedupeWindow(0);
    off.add("x");
    expect(off.has("x")).toBe(false);
    expect(() => new DedupeWindow(-1)).toThrow(/dedupeWindow/);
  });
});

describe("RedisStreamLayout", () => {
  it("names streams for both layouts and escapes glob characters for SCAN", () => {
    const events = new RedisStreamLayout("orion", "events");
    expect(events.streamFor("a.b")).toBe("orion:events");
    expect(events.deadStream).toBe("orion:dead");
    const perTopic = new RedisStreamLayout("app[1]", "per-topic");
    expect(perTopic.streamFor("a.b")).toBe("app[1]:t:a.b");
    expect(perTopic.topicOfStream("app[1]:t:a.b")).toBe("a.b");
    expect(perTopic.topicOfStream("other:t:a.b")).toBeUndefined();
    expect(perTopic.scanPattern("metrics.")).toBe("app\\[1\\]:t:metrics.*");
  });

  it("gives a subscriber one stable consumer name per process, and a second live subscription in the group its own", () => {
    const a = consumerName("actor", "host1");
    expect(a).toBe(`actor-host1-${process.pid}`);
    expect(consumerName("actor", "host1")).toBe(a);
    const live = new Set([a, `${a}-2`]);
    expect(consumerName("actor", "host1", (name) => live.has(name))).toBe(`${a}-3`);
  });
});

describe("redis reply parsing and trim guard", () => {
  it("parses XINFO GROUPS including Redis 7 lag and a null lag", () => {
    const reply = [
      ["name", "g1", "consumers", 2, "pending", 3, "last-delivered-id", "5-0", "entries-read", 5, "lag", 4],
      ["name", "g2", "consumers", 0, "pending", 0, "last-delivered-id", "0-0", "entries-read", null, "lag", null],
    ];
    expect(parseGroupInfo(reply)).toEqual([
      { name: "g1", consumers: 2, pending: 3, lastDeliveredId: "5-0", entriesRead: 5, lag: 4 },
      { name: "g2", consumers: 0, pending: 0, lastDeliveredId: "0-0", entriesRead: null, lag: null },
    ]);
  });

  it("parses XAUTOCLAIM with deleted ids", () => {
    expect(parseAutoClaimReply(["0-0", [["1-0", ["topic", "a"]]], ["2-0"]])).toEqual({
      cursor: "0-0",
      entries: [["1-0", ["topic", "a"]]],
      deletedIds: ["2-0"],
    });
  });

  it("warns once per episode at 80% of maxLen and clears on recovery", () => {
    const guard = new TrimGuard(100, silentLogger());
    const info = { name: "g", consumers: 1, pending: 30, lastDeliveredId: "1-0", entriesRead: 1, lag: 49 };
    expect(guard.assess("s", info).atRisk).toBe(false);
    expect(guard.assess("s", { ...info, lag: 50 })).toMatchObject({ atRisk: true, outstanding: 80 });
    guard.assess("s", { ...info, lag: 60 });
    expect(guard.warnings).toBe(1);
    expect(guard.groupsAtRisk()).toEqual(["s#g"]);
    guard.assess("s", { ...info, lag: 0 });
    expect(guard.groupsAtRisk()).toEqual([]);
    guard.assess("s", { ...info, lag: 70 });
    expect(guard.warnings).toBe(2);
  });
});
