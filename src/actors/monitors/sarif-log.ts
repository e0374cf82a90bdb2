import { relative, sep } from "node:path";
import { pathToFileURL } from "node:url";
import type { Finding, Severity } from "./finding.js";

/** How a finding kind is described to code-scanning tools. */
export interface FindingRule {
  /** A short title, e.g. "Topic published but never subscribed". */
  title: string;
  /** What the finding means and what to do about it. */
  help: string;
}

const LEVELS: Record<Severity, "error" | "warning" | "note"> = { high: "error", medium: "warning", low: "note" };

/** The source root findings are reported against (SARIF `originalUriBaseIds`). */
const ROOT_ID = "SRCROOT";

/**
 * A SARIF 2.1.0 log of `findings`, for code-scanning UIs that show results inline in pull
 * requests: one rule per finding kind, one result per finding with a location for every piece
 * of its evidence (file paths relative to `root`), and the finding id as a partial fingerprint
 * so that the same finding is recognised from run to run.
 */
export function sarifLog(
  findings: readonly Finding[],
  options: { root: string; toolVersion: string; rules?: Readonly<Record<string, FindingRule>> },
): Record<string, unknown> {
  const kinds = [...new Set(findings.map((finding) => finding.kind))].sort();
  const rules = kinds.map((kind) => {
    const rule = options.rules?.[kind];
    return {
      id: kind,
      name: kind.replace(/(^|-)([a-z])/g, (_, _dash: string, letter: string) => letter.toUpperCase()),
      shortDescription: { text: rule?.title ?? kind },
      ...(rule ? { fullDescription: { text: rule.help }, help: { text: rule.help } } : {}),
    };
  });
  const root = options.root.endsWith(sep) ? options.root : options.root + sep;
  return {
    $schema: "https://json.schemastore.org/sarif-2.1.0.json",
    version: "2.1.0",
    runs: [
      {
        tool: { driver: { name: "plexus", version: options.toolVersion, informationUri: "https://www.npmjs.com/package/plexus", rules } },
        originalUriBaseIds: { [ROOT_ID]: { uri: pathToFileURL(root).href } },
        results: findings.map((finding) => ({
          ruleId: finding.kind,
          ruleIndex: kinds.indexOf(finding.kind),
          level: LEVELS[finding.severity],
          message: { text: finding.question },
          locations: finding.evidence.map((item) => ({
            physicalLocation: {
              artifactLocation: { uri: relative(options.root, item.file).split(sep).map(encodeURIComponent).join("/"), uriBaseId: ROOT_ID },
              region: { startLine: Math.max(1, item.line) },
            },
          })),
          partialFingerprints: { "plexusFindingId/v1": finding.id },
          properties: { subject: finding.subject, severity: finding.severity },
        })),
      },
    ],
  };
}
