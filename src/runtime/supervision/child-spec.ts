/** Child specs of a supervision tree, normalised: durations in milliseconds, defaults filled in. */

/** When a child is restarted: always, only after a failure, or never. */
export type RestartType = "permanent" | "transient" | "temporary";
/** Which children a supervisor restarts when one fails: that one, all, or it and those started after it. */
export type Strategy = "one_for_one" | "one_for_all" | "rest_for_one";

/** Delay between restarts: grows from `minMs` to `maxMs`, randomised by `jitter`. */
export interface BackoffSpec {
  minMs: number;
  maxMs: number;
  /** 0..1: each delay is multiplied by a random factor in [1 - jitter, 1 + jitter]. */
  jitter: number;
}

/** How a supervisor restarts its children and when it gives up (restart intensity). */
export interface SupervisorSpec {
  strategy: Strategy;
  /** Restarts allowed within `periodMs` before the supervisor gives up and escalates. */
  intensity: number;
  periodMs: number;
  backoff: BackoffSpec;
  /** A child running this long without failing resets its backoff. Default = periodMs. */
  stableMs: number;
}

/** A child that runs one actor of a registered `kind`. */
export interface WorkerChildSpec {
  id: string;
  kind: string;
  restart: RestartType;
  shutdownMs: number;
  options: Record<string, unknown>;
}

/** A child that is itself a supervisor of `children`. */
export interface SupervisorChildSpec {
  id: string;
  supervisor: SupervisorSpec;
  children: ChildSpec[];
  restart: RestartType;
  /**
   * Budget of the whole stop of its children. `Infinity` (the runtime's root) sets none of its
   * own: its children stop one by one, each forced after its own `shutdownMs`, which bounds it.
   */
  shutdownMs: number;
}

/** One child of a supervisor: a worker or a nested supervisor. */
export type ChildSpec = WorkerChildSpec | SupervisorChildSpec;

/** True when `spec` is a nested supervisor rather than a worker. */
export function isSupervisorSpec(spec: ChildSpec): spec is SupervisorChildSpec {
  return "supervisor" in spec;
}
