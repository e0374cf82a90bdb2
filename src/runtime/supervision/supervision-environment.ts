import type { Logger } from "../../common/logger.js";
import type { ActorContext } from "../actor-context.js";
import type { AnyActorDefinition } from "../define-actor.js";
import type { LifecycleEvent } from "../lifecycle-types.js";
import type { WorkerChildSpec } from "./child-spec.js";

/** What every supervisor of one tree shares. */
export interface SupervisionEnvironment {
  kinds: ReadonlyMap<string, AnyActorDefinition>;
  makeContext(input: { spec: WorkerChildSpec; path: string; signal: AbortSignal; fail: (error: unknown) => void }): ActorContext;
  onLifecycle(event: LifecycleEvent): void;
  /**
   * A worker at `path` left its supervisor for good — removed (stopChild, a temporary or transient
   * exit not restarted) or stopped with its supervisor (a stop or an escalation) — so what
   * outlives its incarnations (its bus slot) can go. Restarts do not call it.
   */
  onChildRemoved?(path: string): void;
  log: Logger;
  /** Monotonic milliseconds (restart windows, backoff reset). */
  now(): number;
  /** Uniform in [0, 1) (backoff jitter). */
  random(): number;
}
