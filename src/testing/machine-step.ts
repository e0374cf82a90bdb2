import type { AnyStateMachine, EventFromLogic, SnapshotFrom } from "xstate";

/** What an invariant of `checkMachine` sees after a step (or after the start, where `event` is undefined). */
export interface MachineStep<M extends AnyStateMachine> {
  snapshot: SnapshotFrom<M>;
  /** The snapshot before this step; undefined after the start. */
  previous: SnapshotFrom<M> | undefined;
  /** The event of this step; undefined after the start. */
  event: EventFromLogic<M> | undefined;
  /** Every event sent in this run so far, this one last. */
  events: readonly EventFromLogic<M>[];
  /** The state after the start and after every step so far (`TRAINING`, `running.retrying`), this one last. */
  states: readonly string[];
  /** Labels of the transitions this step took (`TRAINING --CULL--> CULLED`); none when the state ignored the event. */
  transitions: readonly string[];
}

/** A rule that must hold after every step: return false or throw (the message is shown) when it breaks. */
export type MachineInvariant<M extends AnyStateMachine> = (step: MachineStep<M>) => boolean | void;
