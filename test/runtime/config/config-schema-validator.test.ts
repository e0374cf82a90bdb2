import { readFile } from "node:fs/promises";
import { Ajv2020 } from "ajv/dist/2020.js";
import standaloneCode from "ajv/dist/standalone/index.js";
import { fileURLToPath } from "node:url";
import { format, resolveConfig } from "prettier";
import { describe, expect, it } from "vitest";
import { CONFIG_SCHEMA_URL } from "../../../src/runtime/config/load-config.js";
import { validateConfigSchema } from "../../../src/runtime/config/config-schema-validator.js";

const GENERATED = "../../../src/runtime/config/config-schema-validator.ts";

/** The options the config schema was always compiled with: every error, defaults filled in, the failing schema in each error. */
function configAjv(): Ajv2020 {
  return new Ajv2020({
    allErrors: true,
    useDefaults: true,
    verbose: true,
    strict: true,
    strictRequired: false,
    allowUnionTypes: true,
    code: { source: true, esm: true },
  });
}

/**
 * Source of src/runtime/config/config-schema-validator.ts: ajv's standalone code for the schema
 * with a typed export, formatted by Prettier so that `prettier --check` accepts it as it is.
 */
async function generate(): Promise<string> {
  const schema = JSON.parse(await readFile(CONFIG_SCHEMA_URL, "utf8")) as Record<string, unknown>;
  const ajv = configAjv();
  const validate = ajv.compile(schema);
  let code = standaloneCode.default(ajv, validate);
  const entry = /export const validate = (validate\d+);export default validate\d+;/.exec(code);
  if (entry === null) throw new Error("ajv's standalone output changed shape: update generate() in this test");
  code = code.replace('"use strict";', "").replace(entry[0], "");
  const source = [
    "/* eslint-disable */",
    "// @ts-nocheck",
    "// Generated from config/plexus.schema.json by test/runtime/config/config-schema-validator.test.ts; after",
    "// changing the schema, regenerate with `npx vitest run test/runtime/config/config-schema-validator.test.ts -u`.",
    "// Compiled ahead of time so that loading a config does not spend a long start-up compiling the schema.",
    'import type { ValidateFunction } from "ajv/dist/2020.js";',
    'import { createRequire } from "node:module";',
    "// ajv's standalone code loads its small runtime helpers (ucs2length, …) with require().",
    "const require = createRequire(import.meta.url);",
    code,
    "/** The raw-config schema's validator: fills in defaults, collects every error. */",
    `export const validateConfigSchema: ValidateFunction = ${entry[1]};`,
  ].join("\n");
  const options = await resolveConfig(fileURLToPath(new URL(GENERATED, import.meta.url)));
  return format(source, { ...options, parser: "typescript" });
}

describe("the precompiled config schema validator", () => {
  it("is the schema compiled now (after a schema change, regenerate it with -u)", async () => {
    await expect(await generate()).toMatchFileSnapshot(GENERATED);
  });

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
