import { describe, expect, it } from "vitest";
import { nestedDeeperThan } from "../../src/common/json-depth.js";

const nested = (depth: number): unknown => JSON.parse("[".repeat(depth) + "]".repeat(depth));

describe("nestedDeeperThan", () => {
  it("counts levels of arrays and objects, scalars being depth 0", () => {
    expect(nestedDeeperThan(1, 0)).toBe(false);
    expect(nestedDeeperThan("text", 0)).toBe(false);
    expect(nestedDeeperThan(null, 0)).toBe(false);
    expect(nestedDeeperThan([], 0)).toBe(true);
    expect(nestedDeeperThan([], 1)).toBe(false);
    expect(nestedDeeperThan({ a: [{ b: 1 }] }, 3)).toBe(false);
    expect(nestedDeeperThan({ a: [{ b: 1 }] }, 2)).toBe(true);
    expect(nestedDeeperThan([1, 2, [3, [4]]], 3)).toBe(false);
    expect(nestedDeeperThan([1, 2, [3, [4]]], 2)).toBe(true);
  });

  it("is exact at the bound and safe on a value far deeper than the stack allows", () => {
    expect(nestedDeeperThan(nested(64), 64)).toBe(false);
    expect(nestedDeeperThan(nested(65), 64)).toBe(true);
    expect(nestedDeeperThan(nested(100_000), 64)).toBe(true);
  });
});
