import type { Severity } from "../monitors/finding.js";
import type { QueuedQuestion } from "./queued-question.js";

const RANK: Record<Severity, number> = { high: 3, medium: 2, low: 1 };

/** Priority order: higher severity first, then older first. */
export function comparePriority(a: QueuedQuestion, b: QueuedQuestion): number {
  return RANK[b.severity] - RANK[a.severity] || a.seq - b.seq;
}

/** What adding a question did. */
export interface AddOutcome {
  /** `duplicate`: a question with that id was already queued (its wording is refreshed, its age kept). */
  outcome: "added" | "duplicate";
  /** The question pushed out to stay within capacity (possibly the one just added). */
  evicted?: QueuedQuestion;
}

/** Which questions a listing wants. */
export interface QuestionFilter {
  /** This severity or above. */
  severity?: Severity;
  monitor?: string;
  kind?: string;
  limit?: number;
}

/**
 * The questions waiting for a person: at most `capacity`, one per finding id, listed by priority.
 * When full, the question of the lowest severity that has waited longest makes room: a stale
 * minor question is the least likely to still matter.
 */
export class QuestionQueue {
  private readonly byId = new Map<string, QueuedQuestion>();
  private nextSeq = 1;

  constructor(readonly capacity: number) {}

  get size(): number {
    return this.byId.size;
  }

  /** Adds `question` unless its id is queued; evicts one question if that overflows. */
  add(question: Omit<QueuedQuestion, "seq" | "firstSeen">, firstSeen: string): AddOutcome {
    const existing = this.byId.get(question.id);
    if (existing !== undefined) {
      this.byId.set(question.id, { ...question, firstSeen: existing.firstSeen, seq: existing.seq });
      return { outcome: "duplicate" };
    }
    this.byId.set(question.id, { ...question, firstSeen, seq: this.nextSeq++ });
    if (this.byId.size <= this.capacity) return { outcome: "added" };
    const evicted = this.lowest();
    this.byId.delete(evicted.id);
    return { outcome: "added", evicted };
  }

  /** Removes the question `id`; false when it was not queued. */
  resolve(id: string): boolean {
    return this.byId.delete(id);
  }

  /** The questions matching `filter`, in priority order, and how many matched before the limit. */
  list(filter: QuestionFilter = {}): { total: number; questions: QueuedQuestion[] } {
    const matching = [...this.byId.values()].filter(
      (q) =>
        (filter.severity === undefined || RANK[q.severity] >= RANK[filter.severity]) &&
        (filter.monitor === undefined || q.monitor === filter.monitor) &&
        (filter.kind === undefined || q.kind === filter.kind),
    );
    matching.sort(comparePriority);
    return { total: matching.length, questions: filter.limit === undefined ? matching : matching.slice(0, filter.limit) };
  }

  /** Counts per severity, for `/health`. */
  countBySeverity(): Record<Severity, number> {
    const counts: Record<Severity, number> = { high: 0, medium: 0, low: 0 };
    for (const q of this.byId.values()) counts[q.severity]++;
    return counts;
  }

  /** Everything queued, for the state snapshot. */
  snapshot(): QueuedQuestion[] {
    return [...this.byId.values()];
  }

  /**
   * Replaces the queue with saved questions. A capacity lowered since the save keeps the
   * highest-priority ones; returns how many did not fit.
   */
  restore(saved: readonly QueuedQuestion[]): number {
    this.byId.clear();
    const ordered = [...saved].sort(comparePriority);
    const kept = ordered.slice(0, this.capacity);
    for (const q of kept) this.byId.set(q.id, q);
    this.nextSeq = Math.max(0, ...saved.map((q) => q.seq)) + 1;
    return ordered.length - kept.length;
  }

  /** The question to evict: lowest severity, then oldest. O(n), n is at most capacity + 1. */
  private lowest(): QueuedQuestion {
    let worst: QueuedQuestion | undefined;
    for (const q of this.byId.values()) {
      if (
        worst === undefined ||
        RANK[q.severity] < RANK[worst.severity] ||
        (RANK[q.severity] === RANK[worst.severity] && q.seq < worst.seq)
      )
        worst = q;
    }
    return worst!;
  }
}
