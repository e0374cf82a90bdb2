import type { AnyMachineSnapshot, AnyStateMachine, EventObject } from "xstate";
import type { EventCandidate } from "./choose-event.js";
import { nearest } from "./graph-distances.js";
import { endsMachine, transitionKey, type MachineGraph } from "./machine-graph.js";

/** Where the run is headed: distances to what it has not taken, and to its target. */
export interface Compass {
  untaken: ReadonlyMap<string, number>;
  /** Distances to the run's target transition; undefined once the run took it (or it has none). */
  target: ReadonlyMap<string, number> | undefined;
  /** The target transition's key, while pending. */
  targetKey: string | undefined;
}

/**
 * Every event of `alphabet` as it could be sent in `snapshot` (one candidate per payload given
 * for its type), what it would do there, and whether it leads nearer to what the run looks for.
 */
export function stepCandidates(
  machine: AnyStateMachine,
  graph: MachineGraph,
  snapshot: AnyMachineSnapshot,
  activeLeaves: readonly string[],
  alphabet: readonly string[],
  payloads: Readonly<Record<string, readonly Record<string, unknown>[]>>,
  compass: Compass,
): EventCandidate[] {
  const moves = new Map(activeLeaves.flatMap((leaf) => graph.moves.get(leaf) ?? []).map((move) => [move.key, move]));
  const landing = (keys: readonly string[]): string[] => keys.flatMap((key) => moves.get(key)?.to ?? []);
  const untakenNow = nearest(activeLeaves, compass.untaken);
  const target = compass.target;
  const targetKey = compass.targetKey;
  const targetNow = target ? nearest(activeLeaves, target) : Infinity;
  const candidates = alphabet.flatMap((type) =>
    (payloads[type] ?? [{}]).map((payload) => {
      const event: EventObject = { ...payload, type };
      const transitions = machine.getTransitionData(snapshot as never, event as never);
      const keys = transitions.map(transitionKey);
      const lands = landing(keys);
      const targets = transitions.flatMap((transition) => transition.target ?? []);
      return {
        event,
        transitions: keys,
        targets: targets.map((node) => node.path.join(".")),
        alternatives: transitions.flatMap((transition) => (transition.source.transitions.get(type) ?? []).map(transitionKey)),
        ends: targets.some(endsMachine),
        spread: Math.max(0, ...keys.map((key) => graph.spread.get(key) ?? 1)),
        closer: lands.length > 0 && nearest(lands, compass.untaken) < untakenNow,
        towardTarget: target !== undefined && lands.length > 0 && nearest(lands, target) < targetNow,
        targetDistanceAfter: target && lands.length > 0 ? nearest(lands, target) : Infinity,
      };
    }),
  );
  if (target === undefined) return candidates.map(({ targetDistanceAfter: _, ...candidate }) => candidate);
  // Persisting helps when the way toward the target is a guarded alternative of an event that
  // keeps the run where it is (a counter or a payload not at the guard's bound yet): such an
  // event counts as heading for the target while no candidate of this step opens that way.
  const offered = new Set(candidates.flatMap((candidate) => candidate.transitions));
  return candidates.map(({ targetDistanceAfter, ...candidate }) => {
    const stays = targetDistanceAfter <= targetNow && candidate.transitions.length > 0;
    const guardedWay = candidate.alternatives.some(
      (key) =>
        !offered.has(key) &&
        !candidate.transitions.includes(key) &&
        (key === targetKey || nearest(moves.get(key)?.to ?? [], target) < targetNow),
    );
    return { ...candidate, towardTarget: candidate.towardTarget || (stays && guardedWay) };
  });
}
