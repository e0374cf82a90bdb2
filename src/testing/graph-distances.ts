import type { MachineGraph, Move } from "./machine-graph.js";

/**
 * For each leaf state, the fewest steps (ignoring guards) to a state where a goal transition is
 * available: 0 where one is, Infinity where none can be reached.
 */
export function distancesTo(graph: MachineGraph, isGoal: (move: Move) => boolean): Map<string, number> {
  const distances = new Map<string, number>();
  for (const [leaf, moves] of graph.moves) distances.set(leaf, moves.some(isGoal) ? 0 : Infinity);
  // Relax until nothing improves: at most one round per leaf, and machines have few leaves.
  for (let changed = true; changed;) {
    changed = false;
    for (const [leaf, moves] of graph.moves) {
      const current = distances.get(leaf) ?? Infinity;
      let best = current;
      for (const move of moves) best = Math.min(best, 1 + nearest(move.to, distances));
      if (best < current) {
        distances.set(leaf, best);
        changed = true;
      }
    }
  }
  return distances;
}

/** The smallest distance among `leaves` (Infinity for none). */
export function nearest(leaves: Iterable<string>, distances: ReadonlyMap<string, number>): number {
  let best = Infinity;
  for (const leaf of leaves) best = Math.min(best, distances.get(leaf) ?? Infinity);
  return best;
}
