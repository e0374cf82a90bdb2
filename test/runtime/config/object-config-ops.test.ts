import { describe, expect, it } from "vitest";
import { loadConfig } from "../../../src/runtime/config/load-config.js";
import { opsOffByOmission } from "../../../src/runtime/config/object-config-ops.js";

describe("opsOffByOmission", () => {
  it.each([
    [{}, true],
    [{ runtime: {} }, true],
    [{ runtime: { name: "a" } }, true],
    [{ runtime: { ops: {} } }, false],
    [{ runtime: { ops: { port: 0 } } }, false],
    [{ runtime: { ops: { enabled: false } } }, false],
    // Malformed sections are left to the schema, which reports them.
    [{ runtime: "nope" }, false],
  ])("%j → %s", (config, expected) => {
    expect(opsOffByOmission(config)).toBe(expected);
  });
});

describe("loadConfig: the ops server of an object config", () => {
  const kinds = new Map();

  it("is off without a runtime.ops section", async () => {
    expect((await loadConfig({}, { kinds })).runtime.ops.enabled).toBe(false);
    expect((await loadConfig({ runtime: { name: "a" } }, { kinds })).runtime.ops).toEqual({
      enabled: false,
      host: "127.0.0.1",
      port: 8001,
      maxBodyBytes: 1_048_576,
    });
  });

  it("is on with a runtime.ops section that does not turn it off", async () => {
    expect((await loadConfig({ runtime: { ops: {} } }, { kinds })).runtime.ops.enabled).toBe(true);
    expect((await loadConfig({ runtime: { ops: { port: 0 } } }, { kinds })).runtime.ops).toMatchObject({ enabled: true, port: 0 });
    expect((await loadConfig({ runtime: { ops: { enabled: false } } }, { kinds })).runtime.ops.enabled).toBe(false);
  });

  it("leaves the caller's object as it was", async () => {
    const config = { runtime: { name: "a" } };
    await loadConfig(config, { kinds });
    expect(config).toEqual({ runtime: { name: "a" } });
  });
});
