import { describe, expect, it } from "vitest";
import { defineActor, type AnyActorDefinition, type OptionsSchema } from "../../../src/runtime/define-actor.js";
import { ConfigError, formatIssue, formatPath } from "../../../src/common/config-error.js";
import { suggestClosest } from "../../../src/common/suggest-closest.js";
import { KindOptionsValidator } from "../../../src/runtime/config/kind-options.js";

describe("config error formatting", () => {
  it("formats paths with indices and odd keys", () => {
    expect(formatPath([])).toBe("(root)");
    expect(formatPath(["children", 1, "children", 0, "options", "everyMs"])).toBe("children[1].children[0].options.everyMs");
    expect(formatPath(["options", "a.b"])).toBe('options["a.b"]');
  });

  it("formats an issue as file:line:column path: message, leaving out what is unknown", () => {
    expect(formatIssue({ file: "p.yaml", line: 3, column: 7, path: "runtime.name", message: "bad" })).toBe("p.yaml:3:7 runtime.name: bad");
    expect(formatIssue({ path: "runtime.name", message: "bad" })).toBe("runtime.name: bad");
  });

  it("ConfigError carries all issues, a count header and one line each", () => {
    const error = new ConfigError(
      [
        { file: "p.yaml", line: 1, column: 1, path: "a", message: "one" },
        { file: "p.yaml", line: 2, column: 1, path: "b", message: "two" },
      ],
      "p.yaml",
    );
    expect(error.message).toBe("invalid config p.yaml: 2 problems\n  p.yaml:1:1 a: one\n  p.yaml:2:1 b: two");
    expect(error.name).toBe("ConfigError");
    expect(error.code).toBe("CONFIG_INVALID");
    expect(error.retryable).toBe(false);
  });

  it("suggests close names only", () => {
    expect(suggestClosest("restrat", ["id", "kind", "restart", "shutdown", "options"])).toBe("restart");
    expect(suggestClosest("optons", ["options", "kind"])).toBe("options");
    expect(suggestClosest("colour", ["id", "kind"])).toBeUndefined();
  });

  it("names the caller instead of a file for a config given to a function", () => {
    const one = new ConfigError([{ path: "transport.maxLen", message: 'expected an integer, got "x"' }], undefined, {
      caller: "createTransport",
    });
    expect(one.message).toBe('createTransport: transport.maxLen: expected an integer, got "x"');
    const two = new ConfigError(
      [
        { path: "a", message: "one" },
        { path: "b", message: "two" },
      ],
      undefined,
      { caller: "openBus" },
    );
    expect(two.message).toBe("openBus: 2 problems\n  a: one\n  b: two");
    expect(two.code).toBe("CONFIG_INVALID");
    expect(two.retryable).toBe(false);
  });
});

describe("KindOptionsValidator", () => {
  it("says when no kinds are registered", () => {
    const { issue } = new KindOptionsValidator(new Map()).resolveKind("ticker", ["children", 0, "kind"]);
    expect(issue?.message).toMatch(/no kinds are registered/);
  });

  it("reports a kind whose options schema does not compile, blaming the definition", () => {
    // Cast: the schema type itself rejects this; the check is for schemas built without it.
    const broken = defineActor({ kind: "broken", options: { type: "no-such-type" } as unknown as OptionsSchema, start() {} });
    const validator = new KindOptionsValidator(new Map([["broken", broken]]));
    const { issues } = validator.validate(broken, {}, ["children", 0, "options"]);
    expect(issues).toHaveLength(1);
    expect(issues[0]?.message).toMatch(/options schema of kind 'broken' is not a valid JSON Schema/);
  });

  it("applies defaults to a copy and passes options through when a kind has no schema", () => {
    const withDefaults = defineActor({
      kind: "d",
      options: { type: "object", properties: { n: { type: "integer", default: 3 } } },
      start() {},
    });
    const free = defineActor({ kind: "free", start() {} });
    const validator = new KindOptionsValidator(
      new Map<string, AnyActorDefinition>([
        ["d", withDefaults],
        ["free", free],
      ]),
    );
    const input = {};
    expect(validator.validate(withDefaults, input, []).options).toEqual({ n: 3 });
    expect(input).toEqual({});
    expect(validator.validate(free, { anything: true }, []).options).toEqual({ anything: true });
  });
});
