import { describe, expect, it } from "vitest";
import { interpolateEnv, interpolateEnvCollecting } from "../../../src/runtime/config/env-interpolation.js";

describe("interpolateEnv", () => {
  const env = { HOST: "redis.local", EMPTY: "", PORT: "6380" };

  it("substitutes set variables anywhere in the text", () => {
    expect(interpolateEnv("redis://${HOST}:${PORT}/0", env)).toBe("redis://redis.local:6380/0");
  });

  it("uses the default when the variable is unset or empty, as sh does for :-", () => {
    expect(interpolateEnv("${MISSING:-fallback}", env)).toBe("fallback");
    expect(interpolateEnv("${EMPTY:-fallback}", env)).toBe("fallback");
    expect(interpolateEnv("${HOST:-fallback}", env)).toBe("redis.local");
    expect(interpolateEnv("${MISSING:-}", env)).toBe("");
    expect(interpolateEnv("${MISSING:-a:-b}", env)).toBe("a:-b");
  });

  it("expands a default that is itself a reference, as sh does, and only when it is used", () => {
    expect(interpolateEnv("${MISSING:-${HOST}}", env)).toBe("redis.local");
    expect(interpolateEnv("${MISSING:-${ALSO_MISSING:-${PORT}}}/x", env)).toBe("6380/x");
    expect(interpolateEnv("${MISSING:-redis://${HOST}:${PORT}}", env)).toBe("redis://redis.local:6380");
    expect(interpolateEnv("${HOST:-${NOT_SET_AND_NOT_USED}}", env)).toBe("redis.local");
    expect(() => interpolateEnv("${MISSING:-${NOT_SET}}", env)).toThrow(/NOT_SET is not set and has no default/);
    expect(interpolateEnvCollecting("${MISSING:-${HOST}", env).problems[0]).toMatch(/unterminated/);
    expect(interpolateEnv("$${MISSING:-${HOST}} stays", env)).toBe("${MISSING:-${HOST}} stays");
  });

  it("keeps a set-but-empty variable empty without a default", () => {
    expect(interpolateEnv("[${EMPTY}]", env)).toBe("[]");
  });

  it("treats $${...} as a literal and leaves a lone $ alone", () => {
    expect(interpolateEnv("$${HOST} costs $5 and $$", env)).toBe("${HOST} costs $5 and $$");
  });

  it("throws a non-retryable error naming every unset variable", () => {
    expect(() => interpolateEnv("${A}-${B:-x}-${C}", {})).toThrow(/A is not set and has no default.*C is not set/);
    try {
      interpolateEnv("${A}", {});
    } catch (error) {
      expect((error as { retryable?: boolean }).retryable).toBe(false);
      expect((error as { code?: string }).code).toBe("CONFIG_INVALID");
    }
  });

  it("reports malformed references instead of guessing", () => {
    expect(interpolateEnvCollecting("${HOST", env).problems[0]).toMatch(/unterminated/);
    expect(interpolateEnvCollecting("${1BAD}", env).problems[0]).toMatch(/not a variable reference/);
    expect(interpolateEnvCollecting("${HOST}", env).problems).toEqual([]);
  });

  it("reads process.env by default", () => {
    process.env.PLEXUS_TEST_INTERPOLATION = "yes";
    try {
      expect(interpolateEnv("${PLEXUS_TEST_INTERPOLATION}")).toBe("yes");
    } finally {
      delete process.env.PLEXUS_TEST_INTERPOLATION;
    }
  });
});
