import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { SubscriptionIndex } from "../../src/transports/subscription-index.js";
import { isWildcard, literalPrefix, patternMatches, validatePattern, validateTopic } from "../../src/transports/topics.js";

function codeOf(fn: () => void): string | undefined {
  try {
    fn();
    return undefined;
  } catch (error) {
    return (error as { code?: string }).code;
  }
}

/** Reference matcher written independently of the implementation: recursive over segments. */
function referenceMatches(pattern: string, topic: string): boolean {
  const p = pattern.split(".");
  const t = topic.split(".");
  if (t[0]?.startsWith("_") && (p[0] === "*" || p[0] === ">")) return false;
  const go = (i: number, j: number): boolean => {
    if (i === p.length) return j === t.length;
    if (p[i] === ">") return j < t.length;
    if (j === t.length) return false;
    return (p[i] === "*" || p[i] === t[j]) && go(i + 1, j + 1);
  };
  return go(0, 0);
}

const segment = fc.constantFrom("a", "b", "c", "_x", "d-1", "e:f");
const topicArb = fc.array(segment, { minLength: 1, maxLength: 5 }).map((s) => s.join("."));
const patternArb = fc
  .tuple(fc.array(fc.oneof(segment, fc.constant("*")), { minLength: 1, maxLength: 5 }), fc.boolean())
  .map(([segments, tail]) => (tail ? [...segments.slice(0, -1), ">"] : segments).join("."));

describe("topic grammar", () => {
  it("accepts valid topics and patterns", () => {
    for (const topic of ["a", "orders.created", "kasmina.telemetry.seed-1", "ns:x.y_z", "_dead.orders.created", "_inbox.abc.123"]) {
      expect(() => validateTopic(topic)).not.toThrow();
    }
    for (const pattern of ["a", "a.*", "*.b", "a.>", ">", "*", "a.*.c.>", "_dead.>"]) {
      expect(() => validatePattern(pattern)).not.toThrow();
    }
  });

  it("rejects bad topics with INVALID_TOPIC and a reason", () => {
    for (const topic of ["", "a..b", ".a", "a.", "a b", "a.*", "a.>", "ä", "a/b", "x".repeat(1025)]) {
      expect(
        codeOf(() => validateTopic(topic)),
        topic,
      ).toBe("INVALID_TOPIC");
    }
    expect(() => validateTopic("orders.*")).toThrow(/wildcards .* are for subscription patterns/);
    expect(() => validateTopic("a..b")).toThrow(/segment 2 is empty/);
  });

  it("rejects bad patterns with INVALID_PATTERN", () => {
    for (const pattern of ["", "a*", "a.>.b", ">.a", "a..b", "a.b*", "a.>b", "a b"]) {
      expect(
        codeOf(() => validatePattern(pattern)),
        pattern,
      ).toBe("INVALID_PATTERN");
    }
    expect(() => validatePattern("a*")).toThrow(/wildcards must be whole segments/);
    expect(() => validatePattern("a.>.b")).toThrow(/must be the last segment/);
  });

  it("matches single and tail wildcards", () => {
    expect(patternMatches("curiosity.*", "curiosity.question")).toBe(true);
    expect(patternMatches("curiosity.*", "curiosity.question.new")).toBe(false);
    expect(patternMatches("curiosity.*", "curiosity")).toBe(false);
    expect(patternMatches("kasmina.telemetry.>", "kasmina.telemetry.a.b")).toBe(true);
    expect(patternMatches("kasmina.telemetry.>", "kasmina.telemetry")).toBe(false);
    expect(patternMatches("a.b", "a.b")).toBe(true);
    expect(patternMatches("a.b", "a.bc")).toBe(false);
    expect(patternMatches(">", "anything.at.all")).toBe(true);
  });

  it("keeps system topics out of leading wildcards", () => {
    expect(patternMatches(">", "_dead.orders")).toBe(false);
    expect(patternMatches("*.orders", "_dead.orders")).toBe(false);
    expect(patternMatches("_dead.>", "_dead.orders.created")).toBe(true);
    expect(patternMatches("_dead.*", "_dead.orders")).toBe(true);
  });

  it("computes literal prefixes and wildcard-ness", () => {
    expect(literalPrefix("a.b.*.c")).toBe("a.b.");
    expect(literalPrefix("a.b")).toBe("a.b");
    expect(literalPrefix(">")).toBe("");
    expect(literalPrefix("a.>")).toBe("a.");
    expect(isWildcard("a.*")).toBe(true);
    expect(isWildcard("a.>")).toBe(true);
    expect(isWildcard("a.b")).toBe(false);
  });

  it("patternMatches agrees with a reference implementation (property)", () => {
    fc.assert(
      fc.property(patternArb, topicArb, (pattern, topic) => {
        validatePattern(pattern);
        validateTopic(topic);
        expect(patternMatches(pattern, topic)).toBe(referenceMatches(pattern, topic));
        if (patternMatches(pattern, topic)) expect(topic.startsWith(literalPrefix(pattern))).toBe(true);
      }),
      { numRuns: 2000 },
    );
  });
});

describe("SubscriptionIndex", () => {
  it("agrees with filtering by patternMatches over random subscription sets, through adds and removes (property)", () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(patternArb, fc.integer({ min: 0, max: 5 })), { maxLength: 30 }),
        fc.array(fc.nat(), { maxLength: 10 }),
        fc.array(topicArb, { minLength: 1, maxLength: 10 }),
        (subs, removals, topics) => {
          const index = new SubscriptionIndex<number>({ cacheCapacity: 4 });
          const live: Array<[string, number]> = [];
          for (const [pattern, value] of subs) {
            index.add(pattern, value);
            live.push([pattern, value]);
          }
          const check = (): void => {
            for (const topic of topics) {
              const expected = live
                .filter(([p]) => patternMatches(p, topic))
                .map(([, v]) => v)
                .sort();
              expect([...index.match(topic)].sort()).toEqual(expected);
            }
          };
          check();
          for (const r of removals) {
            if (live.length === 0) break;
            const [pattern, value] = live.splice(r % live.length, 1)[0] as [string, number];
            expect(index.remove(pattern, value)).toBe(true);
            check(); // the cache must not serve results from before the removal
          }
          expect(index.size).toBe(live.length);
        },
      ),
      { numRuns: 300 },
    );
  });

  it("returns false when removing what is not there, and prunes nothing it should keep", () => {
    const index = new SubscriptionIndex<string>();
    index.add("a.*.c", "x");
    expect(index.remove("a.*.c", "y")).toBe(false);
    expect(index.remove("a.b.c", "x")).toBe(false);
    expect(index.match("a.q.c")).toEqual(["x"]);
    expect(index.remove("a.*.c", "x")).toBe(true);
    expect(index.match("a.q.c")).toEqual([]);
    expect(index.size).toBe(0);
  });

  it("bounds its match cache and counts evictions", () => {
    const index = new SubscriptionIndex<number>({ cacheCapacity: 2 });
    index.add(">", 1);
    index.match("a");
    index.match("b");
    index.match("c");
    expect(index.cacheSize).toBe(2);
    expect(index.cacheEvictions).toBe(1);
  });

  it("matches correctly with 10,000 subscriptions", () => {
    const index = new SubscriptionIndex<string>();
    const entries: Array<[string, string]> = [];
    for (let i = 0; i < 10_000; i++) {
      const service = `svc${i % 100}`;
      const kind = i % 4;
      const pattern =
        kind === 0 ? `${service}.event${i}` : kind === 1 ? `${service}.*.e${i % 7}` : kind === 2 ? `${service}.>` : `*.event${i % 50}`;
      entries.push([pattern, `s${i}`]);
      index.add(pattern, `s${i}`);
    }
    expect(index.size).toBe(10_000);
    const topics = ["svc3.event3", "svc4.x.e4", "svc10.event10", "svc99.a.b.c", "nosuch.event7", "svc1.event49", "_dead.svc1.event1"];
    for (const topic of topics) {
      const expected = entries
        .filter(([p]) => patternMatches(p, topic))
        .map(([, v]) => v)
        .sort();
      expect([...index.match(topic)].sort(), topic).toEqual(expected);
    }
    expect(index.match("svc10.event10").length).toBeGreaterThan(1);
    expect(index.match("_dead.svc1.event1")).toEqual([]);
  });

  it("returns frozen arrays so a caller cannot corrupt the cache", () => {
    const index = new SubscriptionIndex<number>();
    index.add("a", 1);
    const result = index.match("a");
    expect(() => result.push(2)).toThrow(TypeError);
    expect(index.match("a")).toEqual([1]);
  });
});
