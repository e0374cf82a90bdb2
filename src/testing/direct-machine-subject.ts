import { createActor, type AnyStateMachine, type EventObject } from "xstate";
import { transitionKey } from "./machine-graph.js";
import type { MachineSubject } from "./machine-subject.js";

/** Runs the machine as a plain xstate actor (`createActor`), without a plexus host. */
export function startDirectSubject(machine: AnyStateMachine, input: unknown): MachineSubject {
  let taken: string[] = [];
  const actor = createActor(machine, {
    input,
    inspect: (inspection) => {
      if (inspection.type === "@xstate.microstep" && inspection.actorRef === actor)
        taken.push(...inspection._transitions.map(transitionKey));
    },
  });
  // Without an error observer xstate rethrows the machine's error from a timer; the check reads it
  // from the snapshot instead.
  actor.subscribe({ error: () => undefined });
  actor.start();
  const initialTransitions = taken;
  return {
    initialTransitions,
    snapshot: () => actor.getSnapshot(),
    send(event: EventObject): string[] {
      taken = [];
      actor.send(event);
      return taken;
    },
    settle: async () => undefined,
    stop: async () => void actor.stop(),
  };
}
