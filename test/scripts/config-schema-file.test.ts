import { readFile } from "node:fs/promises";
import { describe, expect, it } from "vitest";
import { CONFIG_SCHEMA_FILE, configSchemaText } from "../../scripts/config-schema-text.js";

describe("config/plexus.schema.json", () => {
  it("is what the TS schema fragments generate", async () => {
    const committed = await readFile(CONFIG_SCHEMA_FILE, "utf8");
    const generated = await configSchemaText();
    // toBe would print a 200-line diff; the sentence says what to do.
    expect(committed === generated, "config/plexus.schema.json is out of date: run `npm run schema` and commit the result").toBe(true);
  });
});
