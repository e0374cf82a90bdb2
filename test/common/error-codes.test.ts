import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { PLEXUS_ERROR_CODES, type PlexusErrorCode } from "../../src/common/error-codes.js";
import { NonRetryableError, PlexusError } from "../../src/common/errors.js";

const repoRoot = fileURLToPath(new URL("../../", import.meta.url));

/** Rows of the README's "Errors" table, as [code, meaning]. */
async function readmeErrorTable(): Promise<[string, string][]> {
  const readme = await readFile(join(repoRoot, "README.md"), "utf8");
  const section = /^### Errors\n([\s\S]*?)^#/m.exec(readme)?.[1];
  if (section === undefined) throw new Error('README.md has no "### Errors" section');
  return [...section.matchAll(/^\| `([A-Z_]+)` \| (.*) \|$/gm)].map((row) => [row[1]!, row[2]!]);
}

describe("error codes", () => {
  it("are listed in the README's Errors table, each with the same meaning, in the same order", async () => {
    expect(await readmeErrorTable()).toEqual(Object.entries(PLEXUS_ERROR_CODES));
  });

  it("are each raised somewhere in src/ (no stale code is documented)", async () => {
    const srcDir = join(repoRoot, "src");
    const files = (await readdir(srcDir, { recursive: true })).filter((file) => file.endsWith(".ts") && !file.endsWith("error-codes.ts"));
    const sources = await Promise.all(files.map((file) => readFile(join(srcDir, file), "utf8")));
    const unused = Object.keys(PLEXUS_ERROR_CODES).filter((code) => !sources.some((text) => text.includes(`"${code}"`)));
    expect(unused).toEqual([]);
  });

  it("type the code of PlexusError and NonRetryableError", () => {
    const error = new NonRetryableError("port owned elsewhere", { code: "OPS_PORT_IN_USE" });
    const code: PlexusErrorCode = error.code;
    expect(code).toBe("OPS_PORT_IN_USE");
    expect(error).toBeInstanceOf(PlexusError);
    expect(error.retryable).toBe(false);
    expect(new NonRetryableError("give up").code).toBe("NON_RETRYABLE");
    expect(PLEXUS_ERROR_CODES[new PlexusError("BUS_CLOSED", "closed").code]).toMatch(/bus closed/);
  });
});
