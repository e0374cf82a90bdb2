import type { AnyMachineSnapshot, AnyStateMachine, EventFromLogic, EventObject, SnapshotFrom } from "xstate";
import type { RunProgress } from "./choose-event.js";
import { distancesTo, nearest } from "./graph-distances.js";
import { activeStates, formatStateValue, type MachineGraph } from "./machine-graph.js";
import type { MachineStep } from "./machine-step.js";
import type { Compass } from "./step-candidates.js";

/** Steps a run pursues one target before it turns to the next. */
const TARGET_BUDGET = 25;

/** One run of `checkMachine`: what it sent, where it went, what it reached, what it aims at. */
export class MachineRun<M extends AnyStateMachine> {
  private readonly taken = new Set<string>();
  private readonly reached = new Set<string>();
  private readonly events: EventFromLogic<M>[] = [];
  private readonly states: string[] = [];
  private readonly labels: Map<string, string>;
  private snapshot: SnapshotFrom<M> | undefined;
  private previous: SnapshotFrom<M> | undefined;
  private stepTransitions: string[] = [];
  /** Index into `targets` of the one pursued now, and the step it was taken up at. */
  private targetIndex = 0;
  private targetSince = 0;

  /**
   * @param targets keys of the transitions this run aims at, one after the other
   * @param distances distances to a transition (cached across runs: the graph does not change)
   */
  constructor(
    private readonly graph: MachineGraph,
    private readonly targets: readonly string[],
    private readonly distances: (key: string) => ReadonlyMap<string, number>,
  ) {
    this.labels = new Map(graph.transitions.map((transition) => [transition.key, transition.label]));
  }

  /** Records the state the machine started in, and the eventless transitions it took to get there. */
  start(snapshot: AnyMachineSnapshot, transitions: readonly string[]): void {
    this.enter(snapshot as SnapshotFrom<M>, transitions);
  }

  step(event: EventObject, transitions: readonly string[], snapshot: AnyMachineSnapshot): void {
    this.events.push(event as EventFromLogic<M>);
    this.previous = this.snapshot;
    this.enter(snapshot as SnapshotFrom<M>, transitions);
  }

  /** The leaf states the machine is in now. */
  activeLeaves(): string[] {
    return activeStates(this.graph, this.snapshot as AnyMachineSnapshot)
      .map((state) => state.label)
      .filter((label) => this.graph.moves.has(label));
  }

  /** Distances to what this run has not taken (ways out of the machine aside) and to its target, until taken. */
  compass(): Compass {
    const untaken = distancesTo(this.graph, (move) => !move.ends && !this.taken.has(move.key));
    const target = this.currentTarget();
    return { untaken, target: target === undefined ? undefined : this.distances(target), targetKey: target };
  }

  progress(compass: Compass, lastStep: boolean): RunProgress {
    return {
      transitions: this.taken,
      states: this.reached,
      target: compass.targetKey,
      exhausted: nearest(this.activeLeaves(), compass.untaken) === Infinity,
      lastStep,
    };
  }

  /**
   * The target pursued now: the next one not taken yet, reachable from here, and not pursued for
   * more than TARGET_BUDGET steps (a guard that never opens must not hold the run forever).
   */
  private currentTarget(): string | undefined {
    const leaves = this.activeLeaves();
    for (; this.targetIndex < this.targets.length; this.targetIndex += 1, this.targetSince = this.events.length) {
      const target = this.targets[this.targetIndex] as string;
      const abandoned = this.events.length - this.targetSince > TARGET_BUDGET;
      if (!this.taken.has(target) && !abandoned && nearest(leaves, this.distances(target)) < Infinity) return target;
    }
    return undefined;
  }

  /** What an invariant sees now. */
  lastStep(): MachineStep<M> {
    return {
      snapshot: this.snapshot as SnapshotFrom<M>,
      previous: this.previous,
      event: this.events.at(-1),
      events: this.events,
      states: this.states,
      transitions: this.stepTransitions.map((key) => this.labels.get(key) ?? key),
    };
  }

  /** The events sent so far, in order. */
  sent(): readonly EventObject[] {
    return this.events;
  }

  /** What the run reached, for coverage. */
  reach(): { states: Iterable<string>; transitions: Iterable<string>; events: number } {
    return { states: this.reached, transitions: this.taken, events: this.events.length };
  }

  /** The failure as its message shows it: what broke, then the events and states that led there. */
  describeFailure(failure: unknown): string {
    return [
      failure instanceof Error ? failure.message : String(failure),
      `  events: ${this.events.map(formatEvent).join(" → ") || "(none: it broke on start)"}`,
      `  states: ${this.states.join(" → ") || "(none: no state was entered)"}`,
    ].join("\n");
  }

  private enter(snapshot: SnapshotFrom<M>, transitions: readonly string[]): void {
    this.snapshot = snapshot;
    this.stepTransitions = [...transitions];
    for (const key of transitions) this.taken.add(key);
    for (const state of activeStates(this.graph, snapshot as AnyMachineSnapshot)) this.reached.add(state.label);
    const { value, status } = snapshot as AnyMachineSnapshot;
    // A machine that threw keeps the value it had: say so, or the path seems to stall.
    this.states.push(status === "error" ? `${formatStateValue(value)} (threw)` : formatStateValue(value));
  }
}

/** `CULL`, or `EVALUATE {"passed":true}` when the event carries data. */
export function formatEvent(event: EventObject): string {
  const { type, ...payload } = event;
  return Object.keys(payload).length === 0 ? type : `${type} ${JSON.stringify(payload)}`;
}
