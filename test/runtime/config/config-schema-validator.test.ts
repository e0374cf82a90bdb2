import { describe, expect, it } from "vitest";
import { validateConfigSchema } from "../../../src/runtime/config/config-schema-validator.js";

// That the committed validator is the schema's current compilation is checked in
// test/scripts/config-schema-file.test.ts; this checks it behaves as a run-time compile would.
describe("the precompiled config schema validator", () => {
  it("fills in defaults and reports errors with the failing schema, as a runtime compile does", () => {
    const raw: Record<string, unknown> = { runtime: { ops: { port: "x" } }, children: [{ id: "a", kind: "k" }] };
    expect(validateConfigSchema(raw)).toBe(false);
    expect(validateConfigSchema.errors).toEqual([
      expect.objectContaining({ instancePath: "/runtime/ops/port", keyword: "type", parentSchema: expect.any(Object) }),
    ]);
    const ok: Record<string, unknown> = {};
    expect(validateConfigSchema(ok)).toBe(true);
    expect(ok).toMatchObject({ runtime: { name: "plexus", ops: { port: 8001 } }, transport: { kind: "memory" }, children: [] });
  });
});
