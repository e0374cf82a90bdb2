import type { Finding } from "./finding.js";

/** What changed between two emissions. */
export interface FindingsDiff {
  /** Found now, not emitted before: publish as questions. */
  raised: Finding[];
  /** Emitted before, not found now: publish as resolved. */
  resolved: Finding[];
}

/** Compares the findings of now with those emitted last, by id. Pure. */
export function diffFindings(emitted: ReadonlyMap<string, Finding>, current: readonly Finding[]): FindingsDiff {
  const now = new Map(current.map((finding) => [finding.id, finding]));
  return {
    raised: [...now.values()].filter((finding) => !emitted.has(finding.id)),
    resolved: [...emitted.values()].filter((finding) => !now.has(finding.id)),
  };
}

/**
 * The findings a monitor has announced and not yet resolved. Each reconcile returns only the
 * difference, so a finding is raised once however often the index is evaluated, and restoring
 * the ledger from a snapshot keeps a restart from raising everything again.
 */
export class FindingsLedger {
  private emitted = new Map<string, Finding>();

  /** Records `current` as what is now emitted and returns what was raised and resolved to get there. */
  reconcile(current: readonly Finding[]): FindingsDiff {
    const diff = diffFindings(this.emitted, current);
    this.emitted = new Map(current.map((finding) => [finding.id, finding]));
    return diff;
  }

  /** The open findings, e.g. for a snapshot or a `/questions` answer. */
  open(): Finding[] {
    return [...this.emitted.values()];
  }

  /** Replaces the open findings with those of a snapshot, without announcing anything. */
  restore(findings: readonly Finding[]): void {
    this.emitted = new Map(findings.map((finding) => [finding.id, finding]));
  }

  get size(): number {
    return this.emitted.size;
  }
}
