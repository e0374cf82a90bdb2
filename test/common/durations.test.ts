import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { DURATION_PATTERN, parseDuration, tryParseDuration } from "../../src/common/durations.js";
import { isNonRetryable } from "../../src/common/errors.js";

describe("parseDuration", () => {
  it.each([
    ["250ms", 250],
    ["30s", 30_000],
    ["1.5s", 1_500],
    ["5m", 300_000],
    ["1h", 3_600_000],
    ["1d", 86_400_000],
    [" 2 s ", 2_000],
    ["0ms", 0],
    [750, 750],
    [0.4, 0],
  ] as const)("%j is %d ms", (value, expected) => {
    expect(parseDuration(value)).toBe(expected);
  });

  it.each(["5 parsecs", "", "s", "-1s", "1.s", "10", "1e3ms", "1S"])("rejects %j naming the place and the accepted forms", (value) => {
    expect(() => parseDuration(value, "supervisor.period")).toThrow(
      /duration at supervisor\.period: got .*expected a duration such as "250ms"/,
    );
  });

  it("rejects negative and non-finite numbers with a non-retryable error", () => {
    for (const value of [-1, Number.NaN, Number.POSITIVE_INFINITY]) {
      let thrown: unknown;
      try {
        parseDuration(value);
      } catch (error) {
        thrown = error;
      }
      expect(isNonRetryable(thrown)).toBe(true);
      expect((thrown as { code?: string }).code).toBe("CONFIG_INVALID");
    }
  });

  it("agrees with every unit for any whole amount (property)", () => {
    const units = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000 } as const;
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 100_000 }),
        fc.constantFrom(...(Object.keys(units) as (keyof typeof units)[])),
        (amount, unit) => {
          expect(parseDuration(`${amount}${unit}`)).toBe(amount * units[unit]);
        },
      ),
    );
  });

  it("accepts exactly the strings the schema pattern accepts (property)", () => {
    const pattern = new RegExp(DURATION_PATTERN);
    fc.assert(
      fc.property(fc.stringMatching(/^[0-9.\smshd]{0,6}$/), (text) => {
        expect(tryParseDuration(text) !== undefined).toBe(pattern.test(text));
      }),
    );
  });
});
