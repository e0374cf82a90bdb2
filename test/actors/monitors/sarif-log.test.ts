import { existsSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { describe, expect, it } from "vitest";
import { makeFinding } from "../../../src/actors/monitors/finding.js";
import { sarifLog } from "../../../src/actors/monitors/sarif-log.js";
import { loadAjv2020 } from "../../../src/common/load-ajv.js";

/**
 * The OASIS SARIF 2.1.0 schema, as Microsoft's SARIF multitool ships it (a dev dependency; the
 * package for this platform carries `sarif-2.1.0.json`).
 */
function officialSchema(): object {
  const require = createRequire(import.meta.url);
  const tool = dirname(require.resolve("@microsoft/sarif-multitool/package.json"));
  const candidates = ["linux", "darwin", "win32"].map((platform) => join(tool, "..", `sarif-multitool-${platform}`, "sarif-2.1.0.json"));
  const found = candidates.find((path) => existsSync(path));
  if (!found) throw new Error(`the SARIF schema is not installed (looked for ${candidates.join(", ")}); run npm install`);
  return JSON.parse(readFileSync(found, "utf8")) as object;
}

function validator() {
  // Formats (uri, date-time) are annotations here; every structural rule of the schema is checked.
  const ajv = new (loadAjv2020())({ allErrors: true, strict: false, validateFormats: false });
  return ajv.compile(officialSchema());
}

describe("plexus scan --format sarif", () => {
  it("writes a SARIF 2.1.0 log that the official schema accepts: a rule per finding kind, a location per piece of evidence", async () => {
    const root = "/work/repo";
    const findings = [
      makeFinding({
        kind: "endpoint-conflict",
        severity: "high",
        subject: "tcp://*:5556",
        question: "tcp://*:5556 is bound in 2 places: which one should own it?",
        evidence: [
          { file: `${root}/a/pub.py`, line: 12 },
          { file: `${root}/b/other publisher.ts`, line: 3 },
        ],
      }),
      makeFinding({
        kind: "orphaned-topic",
        severity: "low",
        subject: "x.y",
        question: "who consumes x.y?",
        evidence: [{ file: `${root}/a/pub.py`, line: 20 }],
      }),
    ];
    const log = sarifLog(findings, {
      root,
      toolVersion: "0.1.0",
      rules: { "endpoint-conflict": { title: "Endpoint bound twice", help: "Bind each endpoint once; connect elsewhere." } },
    }) as {
      runs: Array<{
        tool: { driver: { rules: Array<{ id: string }> } };
        results: Array<{ level: string; locations: Array<{ physicalLocation: { artifactLocation: { uri: string } } }> }>;
      }>;
    };
    const validate = validator();
    expect(validate(log), JSON.stringify(validate.errors, null, 2)).toBe(true);
    const run = log.runs[0]!;
    expect(run.tool.driver.rules.map((rule) => rule.id)).toEqual(["endpoint-conflict", "orphaned-topic"]);
    expect(run.results.map((result) => result.level)).toEqual(["error", "note"]);
    expect(run.results[0]!.locations.map((location) => location.physicalLocation.artifactLocation.uri)).toEqual([
      "a/pub.py",
      "b/other%20publisher.ts",
    ]);
  });

  it("the schema check is real: a log without a version is refused", async () => {
    const validate = validator();
    expect(validate({ runs: [] })).toBe(false);
  });
});
