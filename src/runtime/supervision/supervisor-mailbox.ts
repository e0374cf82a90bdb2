import type { ChildSpec } from "./child-spec.js";
import type { ChildExit } from "../hosting/child-instance.js";
import type { ChildRecord } from "./child-table.js";
import type { ChildInstance } from "../hosting/child-instance.js";

/** How a caller of startChild / stopChild learns the outcome. */
export interface Settle {
  resolve(): void;
  reject(error: Error): void;
}

/** What a supervisor handles, one at a time, in arrival order. */
export type SupervisorOperation =
  | { type: "exit"; record: ChildRecord; instance: ChildInstance; exit: ChildExit }
  | ({ type: "startChild"; spec: ChildSpec } & Settle)
  | ({ type: "stopChild"; id: string } & Settle);

/**
 * A supervisor's mailbox. Its size is bounded by the children (each incarnation queues at most
 * one exit) plus the startChild/stopChild calls still awaited by their callers.
 */
export class SupervisorMailbox {
  private readonly operations: SupervisorOperation[] = [];
  private head = 0;

  get isEmpty(): boolean {
    return this.head >= this.operations.length;
  }

  push(operation: SupervisorOperation): void {
    this.operations.push(operation);
  }

  take(): SupervisorOperation | undefined {
    const operation = this.operations[this.head];
    if (operation === undefined) return undefined;
    this.head += 1;
    // A head index instead of shift() keeps take O(1); compact now and then so a long-lived
    // supervisor's array does not grow without bound.
    if (this.head >= 1024 && this.head * 2 >= this.operations.length) {
      this.operations.splice(0, this.head);
      this.head = 0;
    }
    return operation;
  }

  /** Empties the mailbox, returning what was still queued. */
  drain(): SupervisorOperation[] {
    const queued = this.operations.slice(this.head);
    this.operations.length = 0;
    this.head = 0;
    return queued;
  }
}
