import type { ChildExit } from "../hosting/child-instance.js";
import type { RestartType, Strategy } from "./child-spec.js";
import { isNonRetryable } from "../../common/errors.js";

/**
 * Every restart decision of a supervisor is made here, and only here. The function is pure: the
 * supervisor describes what happened and applies what comes back.
 *
 * Semantics (Erlang/OTP `supervisor`, with plexus's non-retryable errors):
 *
 * - A child exits `normal` (a machine-form actor reached its final state) or with a `failure`
 *   (start threw or rejected, its logic errored, it called `ctx.fail`, a nested supervisor
 *   escalated). Exits the supervisor caused by stopping a child never reach this function.
 * - Restart types:
 *   - `permanent`: restarted after any exit;
 *   - `transient`: restarted only after a failure; after a normal exit it stays in the child
 *     list, stopped;
 *   - `temporary`: never restarted; removed from the child list when it exits, and also when a
 *     sibling's restart terminates it.
 * - Strategies, once a restart is due:
 *   - `one_for_one`: only the exited child is restarted. Its siblings are independent of it, so
 *     its restart (its backoff, then its start) runs on its own: the supervisor goes on handling
 *     other exits meanwhile, and children that crash together restart concurrently, each after
 *     its own backoff (Akka's per-child backoff);
 *   - `one_for_all`: every other child is stopped (reverse start order), then all are started
 *     again in start order;
 *   - `rest_for_one`: the children started after the exited one are stopped (reverse order),
 *     then the exited child and those are started again in order.
 *   As in OTP, a non-temporary sibling that had already exited normally is started again by a
 *   one_for_all / rest_for_one restart; temporary siblings are stopped and removed.
 * - Intensity: one restart decision counts once, whatever the number of children it restarts. A
 *   restart that would make more than `intensity` restarts within `periodMs` is not made: the
 *   supervisor escalates (stops all children in reverse order and fails, and its parent sees
 *   that as a failure of the supervisor).
 * - A non-retryable failure (`isNonRetryable(error)`, e.g. a config error or an endpoint owned by
 *   another process) of a child that would be restarted escalates at once instead of burning the
 *   restart budget in a crash loop. A temporary child is never restarted, so its non-retryable
 *   failure only removes it.
 */

/** A child as the decision sees it. */
export interface ChildView {
  id: string;
  restart: RestartType;
}

export interface DecisionInput {
  strategy: Strategy;
  /** The child that exited. */
  child: ChildView;
  exit: ChildExit;
  /**
   * All children in start order (including `child`). A function so that the common one_for_one
   * path does not build an O(children) list on every crash.
   */
  children: () => readonly ChildView[];
  /** Restarts already made within the current period. */
  recentRestarts: number;
  intensity: number;
  periodMs: number;
}

export type RestartDecision =
  /** Nothing to restart; the exited child stays in the list, stopped. */
  | { action: "keep" }
  /** The exited (temporary) child is removed from the list. */
  | { action: "remove" }
  | {
      action: "restart";
      /** Siblings to stop first, in stop order (reverse start order). */
      stop: string[];
      /** Of the stopped siblings, the temporary ones: removed, not restarted. */
      remove: string[];
      /** Children to start again, in start order (the exited child among them). */
      start: string[];
      /**
       * True when the supervisor must finish this restart before it handles anything else
       * (one_for_all, rest_for_one); false when the child restarts on its own (one_for_one).
       */
      ordered: boolean;
    }
  | { action: "escalate"; cause: "intensity" | "non-retryable"; error: Error };

/** Decides what a supervisor does after one of its children exited. */
export function decideRestart(input: DecisionInput): RestartDecision {
  const { child, exit } = input;
  if (child.restart === "temporary") return { action: "remove" };
  if (child.restart === "transient" && exit.reason === "normal") return { action: "keep" };
  if (exit.reason === "failure" && isNonRetryable(exit.error)) {
    return { action: "escalate", cause: "non-retryable", error: exit.error };
  }
  if (input.recentRestarts + 1 > input.intensity) {
    const last = exit.reason === "failure" ? `; last failure of "${child.id}": ${exit.error.message}` : `; "${child.id}" exited normally`;
    return {
      action: "escalate",
      cause: "intensity",
      error: new Error(
        `more than ${input.intensity} restarts within ${input.periodMs} ms${last}`,
        exit.reason === "failure" ? { cause: exit.error } : undefined,
      ),
    };
  }
  if (input.strategy === "one_for_one") return { action: "restart", stop: [], remove: [], start: [child.id], ordered: false };
  const all = input.children();
  const index = all.findIndex((view) => view.id === child.id);
  const affected = input.strategy === "one_for_all" ? all : all.slice(Math.max(0, index));
  const stop: string[] = [];
  const remove: string[] = [];
  const start: string[] = [];
  for (const view of affected) {
    if (view.id !== child.id) stop.push(view.id);
    if (view.restart === "temporary" && view.id !== child.id) remove.push(view.id);
    else start.push(view.id);
  }
  stop.reverse();
  return { action: "restart", stop, remove, start, ordered: true };
}
