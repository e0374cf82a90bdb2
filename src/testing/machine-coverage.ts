import type { MachineGraph } from "./machine-graph.js";

/** How much of one kind of element (states or transitions) the runs reached. */
export interface CoverageCount {
  covered: number;
  total: number;
  /** Labels of the elements no run reached, in document order. */
  missed: string[];
}

/** What `checkMachine` exercised across all its runs. */
export interface MachineCoverage {
  runs: number;
  /** Events sent per run (a run ends early when the machine finishes). */
  eventsPerRun: { mean: number; max: number };
  states: CoverageCount;
  transitions: CoverageCount;
  /** The run after which every state and transition had been reached; undefined when some never were. */
  completeAfterRuns: number | undefined;
  /** One line for logs: `11/11 states, 31/31 transitions (complete after 87 runs); 17.3 events per run (max 40)`. */
  summary: string;
}

/** What one run reached, as the tracker needs it. */
export interface RunReach {
  states: Iterable<string>;
  transitions: Iterable<string>;
  events: number;
}

/** Accumulates what runs reached, against the machine's graph. */
export class CoverageTracker {
  private readonly states = new Set<string>();
  private readonly transitions = new Set<string>();
  private runs = 0;
  private events = 0;
  private maxEvents = 0;
  private completeAfterRuns: number | undefined;

  constructor(private readonly graph: MachineGraph) {}

  add(run: RunReach): void {
    this.runs += 1;
    this.events += run.events;
    this.maxEvents = Math.max(this.maxEvents, run.events);
    for (const state of run.states) this.states.add(state);
    for (const transition of run.transitions) this.transitions.add(transition);
    if (this.completeAfterRuns === undefined && this.isComplete()) this.completeAfterRuns = this.runs;
  }

  report(): MachineCoverage {
    const states = count(
      this.graph.states.map((state) => ({ id: state.label, label: state.label })),
      this.states,
    );
    const transitions = count(
      this.graph.transitions.map((transition) => ({ id: transition.key, label: transition.label })),
      this.transitions,
    );
    const mean = this.runs === 0 ? 0 : this.events / this.runs;
    const complete = this.completeAfterRuns === undefined ? "" : ` (complete after ${this.completeAfterRuns} runs)`;
    return {
      runs: this.runs,
      eventsPerRun: { mean, max: this.maxEvents },
      states,
      transitions,
      completeAfterRuns: this.completeAfterRuns,
      summary:
        `${states.covered}/${states.total} states, ${transitions.covered}/${transitions.total} transitions${complete}; ` +
        `${mean.toFixed(1)} events per run (max ${this.maxEvents}) over ${this.runs} runs`,
    };
  }

  private isComplete(): boolean {
    return (
      this.graph.states.every((state) => this.states.has(state.label)) &&
      this.graph.transitions.every((transition) => this.transitions.has(transition.key))
    );
  }
}

function count(all: { id: string; label: string }[], reached: ReadonlySet<string>): CoverageCount {
  const missed = all.filter((element) => !reached.has(element.id)).map((element) => element.label);
  return { covered: all.length - missed.length, total: all.length, missed };
}
