import { readFile } from "node:fs/promises";
import { relative } from "node:path";
import { describe, expect, it } from "vitest";
import { configArtifacts } from "../../scripts/config-artifacts.js";

describe("files generated from the config schema", () => {
  it("are what the TS schema fragments generate (config/plexus.schema.json, the precompiled validator)", async () => {
    for (const { file, text } of await configArtifacts()) {
      const committed = await readFile(file, "utf8").catch(() => "");
      // toBe would print a long diff; the sentence says what to do.
      expect(committed === text, `${relative(process.cwd(), file)} is out of date: run \`npm run schema\` and commit the result`).toBe(
        true,
      );
    }
  });
});
