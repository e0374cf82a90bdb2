import type { ChildSpec } from "./child-spec.js";
import { isSupervisorSpec } from "./child-spec.js";
import type { LifecycleState } from "../lifecycle-types.js";
import type { RestartBackoff } from "./restart-backoff.js";
import type { ChildView } from "./restart-decision.js";
import type { ChildInstance } from "../hosting/child-instance.js";

/** What a supervisor keeps about one child across its incarnations. */
export interface ChildRecord {
  spec: ChildSpec;
  /** Position in start order; restarts keep it, dynamic children get the next one. */
  order: number;
  /** The current incarnation; undefined before the first start. */
  instance?: ChildInstance;
  state: LifecycleState;
  restarts: number;
  lastError?: string;
  backoff: RestartBackoff;
}

/**
 * A supervisor's children in start order. A Map keeps insertion order and O(1) lookup and removal,
 * so one_for_one restarts never walk the list; only one_for_all / rest_for_one and stops do.
 */
export class ChildTable {
  private readonly byId = new Map<string, ChildRecord>();
  private nextOrder = 0;

  add(spec: ChildSpec, backoff: RestartBackoff): ChildRecord {
    const record: ChildRecord = { spec, order: this.nextOrder++, state: "stopped", restarts: 0, backoff };
    this.byId.set(spec.id, record);
    return record;
  }

  get(id: string): ChildRecord | undefined {
    return this.byId.get(id);
  }

  /** True when `record` is still the table's record for its id (not removed or replaced). */
  holds(record: ChildRecord): boolean {
    return this.byId.get(record.spec.id) === record;
  }

  remove(id: string): void {
    this.byId.delete(id);
  }

  get size(): number {
    return this.byId.size;
  }

  /** Records in start order. */
  inStartOrder(): ChildRecord[] {
    return [...this.byId.values()];
  }

  /** Records in stop order (reverse start order). */
  inStopOrder(): ChildRecord[] {
    return this.inStartOrder().reverse();
  }

  /** The children as the restart decision sees them. */
  views(): ChildView[] {
    const views: ChildView[] = [];
    for (const record of this.byId.values()) views.push({ id: record.spec.id, restart: record.spec.restart });
    return views;
  }
}

/** Merges two lists of records into one start-ordered list without duplicates. */
export function mergeInStartOrder(first: readonly ChildRecord[], second: readonly ChildRecord[]): ChildRecord[] {
  if (second.length === 0) return [...first];
  if (first.length === 0) return [...second];
  const unique = new Set<ChildRecord>([...first, ...second]);
  return [...unique].sort((a, b) => a.order - b.order);
}

/** Type of a child for `tree()`: the kind for workers, the strategy for supervisors. */
export function childKind(spec: ChildSpec): { type: "worker" | "supervisor"; kind: string } {
  return isSupervisorSpec(spec) ? { type: "supervisor", kind: spec.supervisor.strategy } : { type: "worker", kind: spec.kind };
}
