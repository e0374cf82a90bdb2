import { Ajv2020 } from "ajv/dist/2020.js";
import { describe, expect, it } from "vitest";
import { ConfigError } from "../../src/common/config-error.js";
import { CONFIG_AJV_OPTIONS, applySchema, checkAgainstSchema, mergeDefs, sectionSchema } from "../../src/common/config-schema.js";
import { DURATION_SCHEMA } from "../../src/common/durations.js";
import { PLEXUS_CONFIG_SCHEMA } from "../../src/runtime/config/plexus-config.js";

const defs = {
  duration: DURATION_SCHEMA,
  section: {
    type: "object",
    additionalProperties: false,
    properties: { wait: { $ref: "#/$defs/duration", default: "1s" }, count: { type: "integer", minimum: 1, default: 3 } },
  },
} as const;
const section = sectionSchema("section", defs);

describe("config schemas", () => {
  it("are valid draft 2020-12 schemas (the run-time compiler skips this check)", () => {
    const ajv = new Ajv2020({ ...CONFIG_AJV_OPTIONS, validateSchema: true });
    expect(ajv.validateSchema(PLEXUS_CONFIG_SCHEMA), JSON.stringify(ajv.errors)).toBe(true);
  });

  it("merge definitions shared by several layers, and refuse two different ones of one name", () => {
    expect(Object.keys(mergeDefs(defs, { duration: DURATION_SCHEMA, other: { type: "string" } }))).toEqual([
      "duration",
      "section",
      "other",
    ]);
    expect(() => mergeDefs(defs, { duration: { type: "string" } })).toThrow(/define \$defs\/duration differently/);
  });

  it("check a value in place, writing in the defaults", () => {
    const value = { count: 2 };
    expect(checkAgainstSchema(section, value)).toEqual([]);
    expect(value).toEqual({ count: 2, wait: "1s" });
    expect(checkAgainstSchema(section, { count: 0 }, { at: ["outer"] })).toEqual([
      { path: ["outer", "count"], node: ["outer", "count"], message: "expected a number >= 1, got 0" },
    ]);
  });

  it("apply to a copy for programmatic callers, and name the caller in errors", () => {
    const input = { count: 2 };
    expect(applySchema(section, input, { caller: "f" })).toEqual({ count: 2, wait: "1s" });
    expect(input).toEqual({ count: 2 });
    expect(() => applySchema(section, { wait: "later" }, { caller: "f", at: ["s"] })).toThrow(
      /^f: s\.wait: expected a duration such as "250ms"/,
    );
    expect(() => applySchema(section, { count: () => 1 }, { caller: "f", at: ["s"] })).toThrow(ConfigError);
    expect(() => applySchema(section, { count: () => 1 }, { caller: "f", at: ["s"] })).toThrow(/^f: s: must be plain data/);
  });
});
