/** States reported for every actor and supervisor in lifecycle events and `runtime.tree()`. */
export type LifecycleState = "starting" | "running" | "stopping" | "stopped" | "failed" | "restarting" | "escalated";

/** Emitted on every transition: `runtime.on("lifecycle", e => …)`. */
export interface LifecycleEvent {
  /** The child id from the config. */
  id: string;
  /** Ids from the root to this actor, joined with `/` (e.g. `root/group-a/ticker`). */
  path: string;
  state: LifecycleState;
  /** Restarts of this child since the runtime started. */
  restarts: number;
  error?: Error;
}

/** One node of the live supervision tree. */
export interface ActorTreeNode {
  id: string;
  path: string;
  type: "worker" | "supervisor";
  /** Actor kind for workers; the strategy for supervisors. */
  kind: string;
  state: LifecycleState;
  restarts: number;
  lastError?: string;
  children?: ActorTreeNode[];
}
