import type { EventObject } from "xstate";

/** An event that could be sent next, and what sending it would do. */
export interface EventCandidate {
  event: EventObject;
  /** Keys of the transitions it would take; empty when the current state ignores it. */
  transitions: string[];
  /** Labels of the states those transitions target. */
  targets: string[];
  /**
   * Keys of every transition the same event type could take from the same states (its guarded
   * alternatives): while one is closed, sending the event again may open it (a counter or a
   * payload reaching a guard's bound).
   */
  alternatives: string[];
  /** Whether it would end the machine (a top-level final state): no step can follow it. */
  ends: boolean;
  /** In how many leaf states its transitions are available: 1 for a state's own, all for the root's. */
  spread: number;
  /** Whether it lands nearer to a transition this run has not taken. */
  closer: boolean;
  /**
   * Whether it heads for the run's target transition: it lands nearer to it, or it keeps the run
   * where it is while its closed guarded alternative is the way there (sending it again may open it).
   */
  towardTarget: boolean;
}

/** Where the current run stands. */
export interface RunProgress {
  transitions: ReadonlySet<string>;
  states: ReadonlySet<string>;
  /** The transition this run aims at, while it has not taken it. */
  target: string | undefined;
  /** No transition the run has not taken is reachable from here (ending ones aside). */
  exhausted: boolean;
  /** This is the run's last step: ending the machine here loses nothing. */
  lastStep: boolean;
}

/**
 * How strongly `checkMachine` prefers each kind of next step. Candidate events are grouped by what
 * they would do (the transitions they take); each group gets the weight of the first rule that
 * applies, divided by its `spread`, and an event of the chosen group is sent.
 */
export interface StepWeights {
  /** The run's target transition. @defaultValue 1000 */
  target?: number;
  /** A step that heads for the run's target (see `EventCandidate.towardTarget`). @defaultValue 100 */
  towardTarget?: number;
  /** A transition this run has not taken, into a state it has not been in. @defaultValue 50 */
  newState?: number;
  /** A transition this run has not taken, into a state it has been in. @defaultValue 10 */
  unvisited?: number;
  /** A taken transition that leads nearer to one this run has not taken. @defaultValue 10 */
  closer?: number;
  /** A taken transition whose event has a guarded alternative the run has not taken, closed now. @defaultValue 10 */
  alternative?: number;
  /** Any other transition this run has taken already. @defaultValue 2 */
  visited?: number;
  /**
   * A transition that ends the machine (not the target), while the run can go on: ending forecloses
   * every later step. On the run's last step, or once nothing new is reachable, ending weighs
   * `newState`, so runs end wherever they got to and cover the ways out of deep states.
   * @defaultValue 0.5
   */
  ending?: number;
  /** All events the current state ignores, together (they check that it does ignore them). @defaultValue 1 */
  ignored?: number;
}

/**
 * Picks the next event: `fraction` (0 ≤ fraction < 1, the step's random number) falls into the
 * weighted groups of candidates, then onto one candidate of its group. Deterministic, so a run
 * replays and shrinks; undefined when there is nothing to send.
 */
export function chooseEvent(
  candidates: readonly EventCandidate[],
  fraction: number,
  progress: RunProgress,
  weights: StepWeights = {},
): EventCandidate | undefined {
  const groups = new Map<string, EventCandidate[]>();
  for (const candidate of candidates) {
    const outcome = candidate.transitions.join("|");
    const group = groups.get(outcome);
    if (group) group.push(candidate);
    else groups.set(outcome, [candidate]);
  }
  // A transition some candidate takes right now needs no persistence to be opened.
  const offered = new Set(candidates.flatMap((candidate) => candidate.transitions));
  const weighted = [...groups.values()].map((group) => {
    const candidate = group[0] as EventCandidate;
    const weight = weightOf(candidate, progress, weights, offered);
    return { group, weight: candidate.transitions.length === 0 ? weight : weight / Math.max(1, candidate.spread) };
  });
  const total = weighted.reduce((sum, entry) => sum + entry.weight, 0);
  if (!(total > 0)) return undefined;
  let point = fraction * total;
  for (const { group, weight } of weighted) {
    if (point < weight) return group[Math.min(group.length - 1, Math.floor((point / weight) * group.length))];
    point -= weight;
  }
  // Rounding can leave the point a hair past the end: the last group with weight takes it.
  return weighted
    .filter((entry) => entry.weight > 0)
    .at(-1)
    ?.group.at(-1);
}

function weightOf(candidate: EventCandidate, progress: RunProgress, weights: StepWeights, offered: ReadonlySet<string>): number {
  if (candidate.transitions.length === 0) return weights.ignored ?? 1;
  const closed = (key: string): boolean => !progress.transitions.has(key) && !offered.has(key);
  const target = progress.target;
  if (target !== undefined) {
    if (candidate.transitions.includes(target)) return weights.target ?? 1_000;
    if (candidate.towardTarget) return weights.towardTarget ?? 100;
  }
  if (candidate.ends) return progress.exhausted || progress.lastStep ? (weights.newState ?? 50) : (weights.ending ?? 0.5);
  if (candidate.transitions.some((key) => !progress.transitions.has(key))) {
    return candidate.targets.some((state) => !progress.states.has(state)) ? (weights.newState ?? 50) : (weights.unvisited ?? 10);
  }
  if (candidate.closer) return weights.closer ?? 10;
  if (candidate.alternatives.some(closed)) return weights.alternative ?? 10;
  return weights.visited ?? 2;
}
