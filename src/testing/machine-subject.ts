import type { AnyMachineSnapshot, EventObject } from "xstate";

/** The machine under `checkMachine`, however it is hosted. */
export interface MachineSubject {
  /** Transitions (keys) the machine took while starting: eventless ones out of the initial state. */
  readonly initialTransitions: readonly string[];
  /** The machine's latest snapshot. */
  snapshot(): AnyMachineSnapshot;
  /** Sends `event`; returns the keys of the transitions its processing took, in order. */
  send(event: EventObject): string[];
  /**
   * Checks that the host followed the machine: a machine that finished must have ended its host
   * normally, one that threw must have failed it with that error. Throws otherwise.
   */
  settle(): Promise<void>;
  /** Ends the run: stops the machine (and its host); throws when stopping broke the host's contract. */
  stop(): Promise<void>;
}
