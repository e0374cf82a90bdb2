import fc from "fast-check";
import type { AnyStateMachine, EventFromLogic, EventObject } from "xstate";
import { CheckFailure, failureFromRunDetails } from "./check-failure.js";
import { chooseEvent, type StepWeights } from "./choose-event.js";
import { executeMachineRun, type MachineRunSettings } from "./execute-machine-run.js";
import { distancesTo } from "./graph-distances.js";
import { CoverageTracker, type MachineCoverage } from "./machine-coverage.js";
import { describeMachineGraph, type MachineGraph } from "./machine-graph.js";
import { MachineRun } from "./machine-run.js";
import { minimizeEvents } from "./minimize-events.js";
import { stepCandidates } from "./step-candidates.js";
import { failureReason } from "./step-failure.js";

type EventTypeOf<M extends AnyStateMachine> = EventFromLogic<M>["type"];
type PayloadOf<M extends AnyStateMachine, K> = Omit<Extract<EventFromLogic<M>, { type: K }>, "type">;

/** How `checkMachine` tests a machine. */
export interface CheckMachineOptions<M extends AnyStateMachine> extends MachineRunSettings<M> {
  /**
   * Payloads of events that carry data (or whose guards read it), by event type: the check merges
   * each generated payload with `{ type }`. Other events are sent as `{ type }` alone.
   */
  events?: { [K in EventTypeOf<M>]?: fc.Arbitrary<PayloadOf<M, K>> };
  /** Event sequences to run. @defaultValue 100 */
  numRuns?: number;
  /** Longest event sequence; lengths spread up to it. @defaultValue 80 */
  maxEvents?: number;
  /**
   * Payloads generated per event type and step: each is a candidate, so a guard that only some
   * payloads pass (`alpha >= 1`) is found open more often. @defaultValue 3
   */
  payloadsPerStep?: number;
  /** How strongly a step prefers each kind of next event. */
  weights?: StepWeights;
  /** Fail when some state (or transition) was never reached: `true` for both. @defaultValue false */
  requireCoverage?: boolean | "states" | "transitions";
  /** Seed of the random generator, to replay a failure (its message gives seed and path). */
  seed?: number;
  /** With `seed`: replays the shrunk failure directly. */
  path?: string;
}

/** The resolution of a step's random number: where among the weighted candidates it falls. */
const PICKS = 0x10000;
/** Transitions one run aims at, one after the other: several per run make misses rare. */
const TARGETS_PER_RUN = 4;

/** A generated run failed: carries the events it sent, to be shortened after fast-check's shrinking. */
class RunFailed extends Error {
  constructor(
    readonly failure: unknown,
    readonly events: readonly EventObject[],
    description: string,
  ) {
    super(description, { cause: failure });
  }
}

/**
 * Model-based testing of an xstate v5 machine on fast-check, with plexus hosting.
 *
 * Every run starts the machine and sends up to `maxEvents` events drawn from its OWN transitions
 * (the event types its state nodes handle, with the payloads you give per type). Each run aims at
 * a few transitions picked at random and walks the machine's graph toward them (ignoring guards;
 * repeating an event whose guarded alternative is the way there); between targets it prefers
 * transitions it has not taken, into states it has not been in, and now and then sends an event
 * the state ignores. Each step is a random number mapped onto the weighted candidates of the state
 * the run reached, so a run is deterministic given its generated values: fast-check replays and
 * shrinks it, and the failing event list is then shortened further by replaying it without
 * events for as long as it fails the same way.
 *
 * After the start and after every step your invariants are checked. With the default `"plexus"`
 * host the machine runs as a plexus machine-form actor inside the real hosted lifecycle: reaching
 * a top-level final state must end the actor normally, an error must fail it. A failure throws a
 * CheckFailure whose message holds the broken invariant (or the machine's error), the event list
 * (`GERMINATE → START_TRAINING → CULL`) and the states it went through. A pass returns which states
 * and transitions the runs reached (`requireCoverage` makes missing ones a failure).
 *
 * Delayed (`after`) transitions are not driven by the check: they count as covered only if they
 * fire during a run. Model time-outs as events to test them here.
 *
 * ```ts
 * const coverage = await checkMachine(orderMachine, {
 *   events: { PAY: fc.record({ amount: fc.integer({ min: 0, max: 100 }) }) },
 *   invariants: { "never negative": ({ snapshot }) => snapshot.context.balance >= 0 },
 *   requireCoverage: true,
 * });
 * ```
 */
export async function checkMachine<M extends AnyStateMachine>(machine: M, options: CheckMachineOptions<M> = {}): Promise<MachineCoverage> {
  const graph = describeMachineGraph(machine);
  const title = `checkMachine(${machine.id})`;
  checkStateNames(graph, options.stateInvariants ?? {}, title);
  const payloads = (options.events ?? {}) as Record<string, fc.Arbitrary<Record<string, unknown>>>;
  const alphabet = [...new Set([...graph.eventTypes, ...Object.keys(payloads)])];
  const samples = options.payloadsPerStep ?? 3;
  const payloadSamples = Object.fromEntries(
    Object.entries(payloads).map(([type, arbitrary]) => [type, fc.array(arbitrary, { minLength: samples, maxLength: samples })]),
  );
  // A run: the transitions it aims at, then its steps, each a number placing it among the
  // candidate events of the state it reached, with payloads for the event types that carry data.
  // Unbiased numbers: fast-check favours small ones, which would always pick the first candidate.
  const runs = fc.record({
    targets: fc.array(fc.noBias(fc.nat({ max: Math.max(0, graph.transitions.length - 1) })), {
      minLength: 1,
      maxLength: TARGETS_PER_RUN,
      size: "max",
    }),
    steps: fc.array(fc.record({ pick: fc.noBias(fc.nat({ max: PICKS - 1 })), payloads: fc.record(payloadSamples) }), {
      maxLength: options.maxEvents ?? 80,
      // "max": lengths spread over 0..maxEvents instead of staying near fast-check's small default.
      size: "max",
    }),
  });
  const distances = new Map<string, ReadonlyMap<string, number>>();
  const distancesToTransition = (key: string): ReadonlyMap<string, number> => {
    let found = distances.get(key);
    if (found === undefined) distances.set(key, (found = distancesTo(graph, (move) => move.key === key)));
    return found;
  };
  const coverage = new CoverageTracker(graph);
  const property = fc.asyncProperty(runs, async ({ targets, steps }) => {
    const run = new MachineRun<M>(graph, orderTargets(graph, targets), distancesToTransition);
    const failure = await executeMachineRun(machine, graph, options, run, (snapshot, index) => {
      const step = steps[index];
      if (step === undefined) return undefined;
      const compass = run.compass();
      const candidates = stepCandidates(machine, graph, snapshot, run.activeLeaves(), alphabet, step.payloads, compass);
      return chooseEvent(candidates, step.pick / PICKS, run.progress(compass, index === steps.length - 1), options.weights)?.event;
    });
    coverage.add(run.reach());
    if (failure !== undefined) throw new RunFailed(failure, run.sent(), run.describeFailure(failure));
  });
  const details = await fc.check(property, {
    numRuns: options.numRuns ?? 100,
    ...(options.seed === undefined ? {} : { seed: options.seed }),
    ...(options.path === undefined ? {} : { path: options.path }),
  });
  if (details.failed && details.errorInstance instanceof RunFailed) {
    const shortened = await shorten(machine, graph, options, details.errorInstance);
    throw failureFromRunDetails(title, { ...details, errorInstance: shortened });
  }
  const failure = failureFromRunDetails(title, details);
  if (failure) throw failure;
  const report = coverage.report();
  const incomplete = missedCoverage(report, options.requireCoverage ?? false);
  if (incomplete.length > 0) {
    throw new CheckFailure(
      `${title}: coverage incomplete after ${report.runs} runs (${report.summary}); never reached:\n${incomplete.map((label) => `  ${label}`).join("\n")}\n` +
        "  Raise numRuns or maxEvents, give payloads that satisfy the guards (events option), or change the weights.",
      { seed: details.seed },
    );
  }
  return report;
}

/**
 * The shrunk failure with its event list shortened as far as replaying allows (same rule broken);
 * the message says how long the list fast-check found was, whose seed and path replay it.
 */
async function shorten<M extends AnyStateMachine>(
  machine: M,
  graph: MachineGraph,
  settings: MachineRunSettings<M>,
  found: RunFailed,
): Promise<Error> {
  const reason = failureReason(found.failure);
  const replay = async (events: readonly EventObject[]): Promise<{ run: MachineRun<M>; failure: unknown } | undefined> => {
    const run = new MachineRun<M>(graph, [], () => new Map());
    const failure = await executeMachineRun(machine, graph, settings, run, (_snapshot, index) => events[index]);
    return failure !== undefined && failureReason(failure) === reason ? { run, failure } : undefined;
  };
  const shortest = await minimizeEvents(found.events, async (events) => (await replay(events))?.run.sent());
  const replayed = shortest.length < found.events.length ? await replay(shortest) : undefined;
  if (replayed === undefined) return found;
  const note = `  (shortened from ${found.events.length} events by replaying without the ones it did not need)`;
  return new Error(`${replayed.run.describeFailure(replayed.failure)}\n${note}`, { cause: replayed.failure });
}

/** The run's targets as transition keys, those that end the machine last (reaching one ends the run). */
function orderTargets(graph: MachineGraph, indices: readonly number[]): string[] {
  const targets = indices.flatMap((index) => graph.transitions[index] ?? []);
  return [...targets.filter((target) => !target.ends), ...targets.filter((target) => target.ends)].map((target) => target.key);
}

function checkStateNames(graph: MachineGraph, stateInvariants: Record<string, unknown>, title: string): void {
  const known = new Set(graph.states.map((state) => state.label));
  const unknown = Object.keys(stateInvariants).filter((state) => !known.has(state));
  if (unknown.length > 0) {
    throw new TypeError(
      `${title}: stateInvariants name unknown state(s) ${unknown.join(", ")}; the machine's states are ${[...known].join(", ")}`,
    );
  }
}

function missedCoverage(report: MachineCoverage, required: boolean | "states" | "transitions"): string[] {
  if (required === false) return [];
  const states = required === true || required === "states" ? report.states.missed.map((state) => `state ${state}`) : [];
  const transitions = required === true || required === "transitions" ? report.transitions.missed.map((t) => `transition ${t}`) : [];
  return [...states, ...transitions];
}
