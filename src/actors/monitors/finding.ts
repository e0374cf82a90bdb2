import { createHash } from "node:crypto";

/** How much a finding matters; `plexus scan --fail-on` compares against it. */
export type Severity = "low" | "medium" | "high";

/** One place in the source that a finding points at. */
export interface Evidence {
  file: string;
  /** 1-based. */
  line: number;
}

/** A question a monitor raises: what it found, where, and what a person should decide. */
export interface Finding {
  /** Stable across runs and restarts: a hash of kind, subject and evidence (see {@link findingId}). */
  id: string;
  /** e.g. `orphaned-topic`. */
  kind: string;
  severity: Severity;
  /** What the finding is about, e.g. the topic `orders.created`. */
  subject: string;
  /** The question a person can act on. */
  question: string;
  evidence: Evidence[];
}

/**
 * The id of a finding: the first 16 hex digits of the SHA-256 of its kind, subject and evidence
 * (sorted, so the order the analysis met them in does not matter). The same finding found again
 * after a restart or in another process gets the same id, which is what keeps monitors from
 * announcing it twice.
 */
export function findingId(kind: string, subject: string, evidence: readonly Evidence[]): string {
  const places = evidence.map((item) => `${item.file}:${item.line}`).sort();
  return createHash("sha256")
    .update(JSON.stringify([kind, subject, places]))
    .digest("hex")
    .slice(0, 16);
}

/** Builds a finding with its id. */
export function makeFinding(fields: Omit<Finding, "id">): Finding {
  return { id: findingId(fields.kind, fields.subject, fields.evidence), ...fields };
}

const severityRank: Record<Severity, number> = { low: 1, medium: 2, high: 3 };

/** Whether `severity` is at least `threshold` (`high` reaches `medium`). */
export function reachesSeverity(severity: Severity, threshold: Severity): boolean {
  return severityRank[severity] >= severityRank[threshold];
}

/**
 * Builds a finding whose id hashes kind, subject and the evidence's files but not its lines: for
 * findings about a definition or a document as a whole, which lines added above it must not turn
 * into a new finding (and a resolution of the old one).
 */
export function makeFileFinding(fields: Omit<Finding, "id">): Finding {
  const files = fields.evidence.map((item) => ({ file: item.file, line: 0 }));
  return { id: findingId(fields.kind, fields.subject, files), ...fields };
}
