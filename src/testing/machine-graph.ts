import { pathToStateValue, type AnyMachineSnapshot, type AnyStateMachine, type AnyStateNode, type AnyTransitionDefinition } from "xstate";
import { getStateNodes } from "xstate/graph";

/** One state of a machine, by its path from the root (`TRAINING`, `running.retrying`). */
export interface StateInfo {
  /** Dotted path from the root: how coverage reports and `stateInvariants` name it. */
  label: string;
  /** The state value that `snapshot.matches` takes for it. */
  value: ReturnType<typeof pathToStateValue>;
}

/** One transition of a machine, as coverage reports name it: `TRAINING --CULL--> CULLED`. */
export interface TransitionInfo {
  /** Identifies the transition across machines built from the same config. */
  key: string;
  label: string;
  /** The event type; `""` for an eventless (`always`) transition. */
  event: string;
  /** Whether a test can send its event (not an `xstate.*` event raised by xstate itself). */
  sendable: boolean;
  /** Whether it lands in a top-level final state, ending the machine. */
  ends: boolean;
}

/** A transition as seen from one leaf state: where taking it lands. */
export interface Move {
  /** The transition's key. */
  key: string;
  /** Leaf states it lands in (the initial leaves of a compound target; the same leaf when it has no target). */
  to: string[];
  /** Whether it lands in a top-level final state, ending the machine. */
  ends: boolean;
}

/** What a machine can do, read from its state nodes: the ground `checkMachine` generates events from. */
export interface MachineGraph {
  states: StateInfo[];
  transitions: TransitionInfo[];
  /** Event types some transition handles and a test can send, in document order. */
  eventTypes: string[];
  /** For each leaf state (atomic or final), the transitions available in it: its own and its ancestors'. */
  moves: Map<string, Move[]>;
  /** For each transition key, in how many leaf states it is available. */
  spread: Map<string, number>;
}

/** Reads the states, transitions and sendable event types of `machine`. */
export function describeMachineGraph(machine: AnyStateMachine): MachineGraph {
  const nodes = getStateNodes(machine.root);
  const states = nodes.map((node) => ({ label: stateLabel(node), value: pathToStateValue(node.path) }));
  const transitions: TransitionInfo[] = [];
  const eventTypes = new Set<string>();
  for (const node of [machine.root, ...nodes]) {
    for (const [event, list] of node.transitions) {
      const sendable = isSendable(event);
      if (sendable) eventTypes.add(event);
      list.forEach((transition, index) => transitions.push(describeTransition(transition, event, index, list.length, sendable)));
    }
    (node.always ?? []).forEach((transition, index, list) =>
      transitions.push(describeTransition(transition, "", index, list.length, false)),
    );
  }
  const moves = new Map<string, Move[]>();
  const spread = new Map<string, number>();
  // Nothing happens in a final state directly under the root: the machine is done there.
  for (const leaf of nodes.filter((node) => isLeaf(node) && !endsMachine(node))) {
    const available = movesFrom(leaf);
    moves.set(stateLabel(leaf), available);
    for (const move of available) spread.set(move.key, (spread.get(move.key) ?? 0) + 1);
  }
  return { states, transitions, eventTypes: [...eventTypes], moves, spread };
}

/** Every transition available in `leaf` (defined on it or an ancestor) and where it lands. */
function movesFrom(leaf: AnyStateNode): Move[] {
  const moves: Move[] = [];
  for (let node: AnyStateNode | undefined = leaf; node !== undefined; node = node.parent) {
    const lists: [string, AnyTransitionDefinition[]][] = [...node.transitions, ["", node.always ?? []]];
    for (const [event, list] of lists) {
      list.forEach((transition, index) => {
        const targets = transition.target ?? [];
        moves.push({
          key: keyOf(node as AnyStateNode, event, index),
          to: targets.length === 0 ? [stateLabel(leaf)] : targets.flatMap(entryLeaves).map(stateLabel),
          ends: targets.some(endsMachine),
        });
      });
    }
  }
  return moves;
}

/** The leaves entering `node` lands in: itself, its initial child's, or every region's (parallel). */
function entryLeaves(node: AnyStateNode): AnyStateNode[] {
  if (isLeaf(node)) return [node];
  if (node.type === "parallel") return Object.values(node.states).flatMap(entryLeaves);
  if (node.type === "history") return node.parent ? entryLeaves(node.parent) : [];
  return (node.initial?.target ?? []).flatMap(entryLeaves);
}

function isLeaf(node: AnyStateNode): boolean {
  return node.type === "atomic" || node.type === "final";
}

/** A final state directly under the root: entering it ends the machine. */
export function endsMachine(node: AnyStateNode): boolean {
  return node.type === "final" && node.parent?.parent === undefined;
}

/** The key of a transition definition as `describeMachineGraph` lists it. */
export function transitionKey(transition: AnyTransitionDefinition): string {
  const source = transition.source;
  const event = transition.eventType;
  const list = event === "" ? (source.always ?? []) : (source.transitions.get(event) ?? []);
  return keyOf(source, event, list.indexOf(transition));
}

/** The states `snapshot` is in: the active leaf and its ancestors (all leaves of parallel regions). */
export function activeStates(graph: MachineGraph, snapshot: AnyMachineSnapshot): StateInfo[] {
  return graph.states.filter((state) => snapshot.matches(state.value as never));
}

/** A state value as failure messages show it: `TRAINING`, `running.retrying`, `(left.a, right.b)`. */
export function formatStateValue(value: unknown): string {
  if (typeof value === "string") return value;
  if (typeof value !== "object" || value === null) return String(value);
  const parts = Object.entries(value).map(([key, child]) =>
    typeof child === "object" && child !== null && Object.keys(child).length === 0 ? key : `${key}.${formatStateValue(child)}`,
  );
  return parts.length === 1 ? (parts[0] as string) : `(${parts.join(", ")})`;
}

function describeTransition(
  transition: AnyTransitionDefinition,
  event: string,
  index: number,
  alternatives: number,
  sendable: boolean,
): TransitionInfo {
  const source = stateLabel(transition.source) || "(root)";
  const targets = transition.target?.map((target) => stateLabel(target)).join(", ");
  const guard = transition.guard === undefined ? "" : ` [${describeGuard(transition.guard, index, alternatives)}]`;
  const arrow = event === "" ? "--always-->" : `--${event}-->`;
  return {
    key: keyOf(transition.source, event, index),
    label: `${source} ${arrow} ${targets ?? "(stays)"}${guard}`,
    event,
    sendable,
    ends: (transition.target ?? []).some(endsMachine),
  };
}

function describeGuard(guard: unknown, index: number, alternatives: number): string {
  if (typeof guard === "string") return guard;
  if (typeof guard === "object" && guard !== null && typeof (guard as { type?: unknown }).type === "string")
    return (guard as { type: string }).type;
  return alternatives > 1 ? `guard #${index + 1}` : "guard";
}

function keyOf(source: AnyStateNode, event: string, index: number): string {
  return `${source.id}#${event === "" ? "always" : event}#${index}`;
}

function stateLabel(node: AnyStateNode): string {
  return node.path.join(".");
}

/** `*` and `prefix.*` match many types and `xstate.*` events come from xstate itself: a test sends neither. */
function isSendable(event: string): boolean {
  return !event.startsWith("xstate.") && event !== "*" && !event.endsWith(".*");
}
