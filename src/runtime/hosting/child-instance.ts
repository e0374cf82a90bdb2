import type { LifecycleState, ActorTreeNode } from "../lifecycle-types.js";
import { PlexusError } from "../../common/errors.js";

/** Why a child stopped running, as seen by its supervisor. */
export type ChildExit = { reason: "normal" } | { reason: "failure"; error: Error };

/**
 * How a child instance ended. `shutdown` means its supervisor asked it to stop (the supervisor
 * ignores those exits); `error` is then set when the stop itself went wrong (a stop function that
 * threw, or one abandoned after `shutdownMs`).
 */
export type InstanceExit = ChildExit | { reason: "shutdown"; error?: Error };

/** What a running child (a hosted actor or a nested supervisor) tells its supervisor. */
export interface ChildHooks {
  /** Every lifecycle transition of the child. */
  report(state: LifecycleState, error?: Error): void;
  /** Called once, when the child has released everything and will not run again. */
  exited(exit: InstanceExit): void;
}

/** One incarnation of a child. A restart creates a new instance; nothing carries over. */
export interface ChildInstance {
  /** Resolves when the child is running; rejects with its failure if it never got there. */
  start(): Promise<void>;
  /** Stops the child (reverse order for supervisors), forcing after its `shutdownMs`. Idempotent. */
  stop(): Promise<void>;
  /** Children of a nested supervisor, for `tree()`; undefined for workers. */
  childNodes?(): ActorTreeNode[];
}

/** The error recorded when a child did not finish stopping within its `shutdownMs`. */
export function shutdownTimeoutError(path: string, shutdownMs: number): PlexusError {
  return new PlexusError(
    "SHUTDOWN_TIMEOUT",
    `${path} killed after shutdownMs=${shutdownMs}: its stop did not finish in time and was abandoned; resources it holds may leak — make its stop function faster or raise shutdownMs`,
  );
}

/**
 * Waits for `work` at most `shutdownMs`. Rejects with a SHUTDOWN_TIMEOUT error when it takes
 * longer (the work is abandoned, not cancelled: JavaScript cannot kill a promise).
 * The timer is always cleared so that no timer outlives the stop. `Infinity` waits for `work`
 * (a supervisor whose children are each bounded by their own budget).
 */
export function withinShutdown(work: Promise<void>, shutdownMs: number, path: string): Promise<void> {
  if (shutdownMs === Number.POSITIVE_INFINITY) return work;
  return new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(shutdownTimeoutError(path, shutdownMs)), shutdownMs);
    work.then(
      () => {
        clearTimeout(timer);
        resolve();
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error);
      },
    );
  });
}
