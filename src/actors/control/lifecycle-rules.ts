import { transition, type AnyStateMachine } from "xstate";
import { compileLifecycle } from "./compile-lifecycle.js";
import type { LifecycleDefinition } from "./lifecycle-definition.js";

/** What an operation does to an entity in some state: where it goes, or why it cannot. */
export type MoveDecision = { allowed: true; to: string } | { allowed: false; reason: string };

/**
 * A lifecycle ready to judge operations: the compiled machine is the authority on every move
 * (its pure `transition()` decides); the definition supplies names for the rejection reasons.
 * Decisions are cached per state and operation: the machine has no context or guards, so the
 * answer only depends on the two names.
 */
export class LifecycleRules {
  readonly machine: AnyStateMachine;
  readonly initial: string;
  private readonly terminal: ReadonlySet<string>;
  private readonly states: ReadonlySet<string>;
  private readonly operations: ReadonlySet<string>;
  private readonly cache = new Map<string, MoveDecision>();

  constructor(readonly definition: LifecycleDefinition) {
    this.machine = compileLifecycle(definition);
    this.initial = definition.initial;
    this.terminal = new Set(definition.terminal);
    this.states = new Set(definition.states);
    this.operations = new Set(definition.operations);
  }

  /** Whether nothing leaves `state`. */
  isTerminal(state: string): boolean {
    return this.terminal.has(state);
  }

  /** Whether `state` is one of the lifecycle's states. */
  hasState(state: string): boolean {
    return this.states.has(state);
  }

  /** What `operation` does to an entity in `from`. */
  decide(from: string, operation: string): MoveDecision {
    const key = `${from}\n${operation}`;
    let decision = this.cache.get(key);
    if (decision === undefined) {
      decision = this.judge(from, operation);
      this.cache.set(key, decision);
    }
    return decision;
  }

  private judge(from: string, operation: string): MoveDecision {
    if (!this.operations.has(operation))
      return {
        allowed: false,
        reason: `unknown operation ${operation}; the ${this.definition.name} lifecycle has ${this.definition.operations.join(", ")}`,
      };
    if (!this.states.has(from))
      return { allowed: false, reason: `the entity is in ${from}, which the ${this.definition.name} lifecycle no longer has` };
    if (this.terminal.has(from)) return { allowed: false, reason: `${from} is terminal; no operation leaves it` };
    const snapshot = this.machine.resolveState({ value: from, context: {} });
    const [next] = transition(this.machine, snapshot, { type: operation });
    const to = String(next.value);
    if (next.value === snapshot.value && !this.selfLoop(from, operation))
      return {
        allowed: false,
        reason: `${operation} is not allowed from ${from} (allowed: ${this.allowedFrom(from).join(", ") || "none"})`,
      };
    return { allowed: true, to };
  }

  private selfLoop(from: string, operation: string): boolean {
    const node = this.machine.states[from];
    return node?.on[operation] !== undefined;
  }

  /** The operations `state` accepts, for rejection reasons. */
  allowedFrom(state: string): string[] {
    const node = this.machine.states[state];
    return node === undefined ? [] : Object.keys(node.on);
  }
}
