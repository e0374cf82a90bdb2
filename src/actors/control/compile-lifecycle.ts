import { createMachine, type AnyStateMachine } from "xstate";
import { fromStates, type LifecycleDefinition } from "./lifecycle-definition.js";

/** The xstate config of one state: where each operation goes, or `final` for a terminal state. */
interface StateNodeConfig {
  type?: "final";
  on?: Record<string, { target: string }>;
}

/**
 * Turns a checked lifecycle definition into an xstate v5 machine: one state node per state, one
 * event per operation, terminal states `final`. Administrative operations are written into each
 * non-terminal state rather than once on the root, because a root transition would also apply to
 * a snapshot that reached a final state (xstate's pure `transition()` does not refuse it). Pure:
 * the same definition always gives an equivalent machine.
 */
export function compileLifecycle(definition: LifecycleDefinition): AnyStateMachine {
  const terminal = new Set(definition.terminal);
  const states: Record<string, StateNodeConfig> = {};
  for (const state of definition.states) states[state] = terminal.has(state) ? { type: "final" } : { on: {} };
  for (const transition of definition.transitions) {
    for (const from of fromStates(transition)) {
      const node = states[from];
      if (node?.on !== undefined) node.on[transition.operation] = { target: transition.to };
    }
  }
  for (const admin of definition.administrative) {
    for (const node of Object.values(states)) if (node.on !== undefined) node.on[admin.operation] = { target: admin.to };
  }
  return createMachine({ id: definition.name, initial: definition.initial, states });
}
