import type { Evidence, Severity } from "../monitors/finding.js";

/** A question waiting for a person, as the curiosity actor keeps and serves it. */
export interface QueuedQuestion {
  /** The finding's id: the key questions are deduped and resolved by. */
  id: string;
  /** The child id of the monitor that asked. */
  monitor: string;
  kind: string;
  severity: Severity;
  subject: string;
  question: string;
  evidence: Evidence[];
  /** When the question first arrived (ISO 8601). */
  firstSeen: string;
  /** Arrival order, so questions of the same severity and millisecond keep their order. */
  seq: number;
}

const SEVERITIES: ReadonlySet<unknown> = new Set(["low", "medium", "high"]);

/**
 * The question in a `*_question` message (define-monitor's QuestionMessage), or undefined when the
 * payload does not have that shape. `monitor` falls back to the envelope's source.
 */
export function readQuestion(payload: unknown, source: string): Omit<QueuedQuestion, "firstSeen" | "seq"> | undefined {
  if (typeof payload !== "object" || payload === null) return undefined;
  const p = payload as Record<string, unknown>;
  if (typeof p.id !== "string" || p.id === "" || typeof p.kind !== "string" || typeof p.subject !== "string") return undefined;
  if (typeof p.question !== "string" || !SEVERITIES.has(p.severity)) return undefined;
  const evidence = Array.isArray(p.evidence) ? p.evidence.filter(isEvidence) : [];
  return {
    id: p.id,
    monitor: typeof p.monitor === "string" ? p.monitor : source,
    kind: p.kind,
    severity: p.severity as Severity,
    subject: p.subject,
    question: p.question,
    evidence: evidence.map((item) => ({ file: item.file, line: item.line })),
  };
}

/** Whether a saved entry is a whole queued question (a state file edited by hand may not be). */
export function isQueuedQuestion(value: unknown): value is QueuedQuestion {
  const q = value as Partial<QueuedQuestion> | null;
  return (
    readQuestion(value, "") !== undefined && typeof q?.firstSeen === "string" && typeof q.seq === "number" && typeof q.monitor === "string"
  );
}

function isEvidence(value: unknown): value is Evidence {
  const e = value as Partial<Evidence> | null;
  return typeof e?.file === "string" && typeof e.line === "number";
}
