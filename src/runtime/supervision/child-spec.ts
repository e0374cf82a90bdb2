/** Child specs of a supervision tree, normalised: durations in milliseconds, defaults filled in. */

export type RestartType = "permanent" | "transient" | "temporary";
export type Strategy = "one_for_one" | "one_for_all" | "rest_for_one";

export interface BackoffSpec {
  minMs: number;
  maxMs: number;
  /** 0..1: each delay is multiplied by a random factor in [1 - jitter, 1 + jitter]. */
  jitter: number;
}

export interface SupervisorSpec {
  strategy: Strategy;
  /** Restarts allowed within `periodMs` before the supervisor gives up and escalates. */
  intensity: number;
  periodMs: number;
  backoff: BackoffSpec;
  /** A child running this long without failing resets its backoff. Default = periodMs. */
  stableMs: number;
}

export interface WorkerChildSpec {
  id: string;
  kind: string;
  restart: RestartType;
  shutdownMs: number;
  options: Record<string, unknown>;
}

export interface SupervisorChildSpec {
  id: string;
  supervisor: SupervisorSpec;
  children: ChildSpec[];
  restart: RestartType;
  shutdownMs: number;
}

export type ChildSpec = WorkerChildSpec | SupervisorChildSpec;

export function isSupervisorSpec(spec: ChildSpec): spec is SupervisorChildSpec {
  return "supervisor" in spec;
}
