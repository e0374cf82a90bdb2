import type { Capability, CapabilityFacts } from "../analysis/capability/capability-facts.js";
import type { CrossFileIndex } from "../cross-file-index.js";
import { makeFileFinding, type Finding } from "../finding.js";

/** Why a definition counts, in words. */
function because(capability: Capability): string {
  const reasons: string[] = [];
  if (capability.suffix !== undefined) reasons.push(`its name ends in "${capability.suffix}"`);
  if (capability.decorators.length > 0) reasons.push(`it is decorated with ${capability.decorators.map((name) => `@${name}`).join(", ")}`);
  return reasons.join(" and ");
}

/** The finding of one capability defined in `file`. Its id leaves out the line, so moving the definition does not re-announce it. */
export function capabilityFinding(file: string, capability: Capability): Finding {
  return makeFileFinding({
    kind: "new-capability",
    severity: "low",
    subject: capability.qualifiedName,
    question:
      `${capability.form} ${capability.qualifiedName} (${file}:${capability.line}) is a capability because ${because(capability)}: ` +
      `what does it do, what starts and supervises it, and is it documented where the team looks for capabilities?`,
    evidence: [{ file, line: capability.line }],
  });
}

/**
 * The capability monitor's view: each file's capabilities, and their findings built once per
 * file's facts (a file's facts are replaced, never changed, when it changes). Setting or removing
 * a file touches that file only; the findings are every file's, concatenated.
 */
export class CapabilityIndex implements CrossFileIndex<CapabilityFacts> {
  private readonly files = new Map<string, { findings: Finding[]; syntaxErrors: boolean }>();
  private capabilities = 0;
  private withSyntaxErrors = 0;

  set(path: string, facts: CapabilityFacts): void {
    this.delete(path);
    const findings = new Map<string, Finding>();
    // One finding per id: two definitions of one name in one file are one question.
    for (const capability of facts.capabilities) {
      const finding = capabilityFinding(path, capability);
      if (!findings.has(finding.id)) findings.set(finding.id, finding);
    }
    const syntaxErrors = facts.syntaxErrors.length > 0;
    this.files.set(path, { findings: [...findings.values()], syntaxErrors });
    this.capabilities += findings.size;
    if (syntaxErrors) this.withSyntaxErrors += 1;
  }

  delete(path: string): void {
    const entry = this.files.get(path);
    if (!entry) return;
    this.files.delete(path);
    this.capabilities -= entry.findings.length;
    if (entry.syntaxErrors) this.withSyntaxErrors -= 1;
  }

  findings(): Finding[] {
    return [...this.files.values()].flatMap((entry) => entry.findings);
  }

  stats(): Record<string, number> {
    return { capabilities: this.capabilities, filesWithSyntaxErrors: this.withSyntaxErrors };
  }
}
