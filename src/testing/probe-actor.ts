import { fromCallback, setup } from "xstate";
import { defineActor, type AnyActorDefinition } from "../runtime/define-actor.js";
import { type ActorContext } from "../runtime/actor-context.js";

/** One entry of a probe's shared log. */
export interface ProbeEvent {
  type: "start" | "stop";
  /** Path of the actor, e.g. `root/a`. */
  path: string;
  /** Counts starts of this path from 1; a stop carries the incarnation it ends. */
  incarnation: number;
}

/** How the probe actor at one path behaves on its next starts. */
export interface ProbeBehaviour {
  /** The next `count` starts throw this error (after nothing was acquired). */
  startError?: { error: Error; count: number };
  /** The stop function takes this long (async), to exercise `shutdownMs`. */
  stopDelayMs?: number;
}

interface LiveIncarnation {
  incarnation: number;
  context: ActorContext;
  /** Machine form only: makes the kind's machine reach its final state (a normal exit). */
  finish?: () => void;
  /** Machine form only: makes an action of the kind's machine throw (an invoked-logic error). */
  explode?: (error: Error) => void;
}

type ProbeMachineEvent = { type: "FINISH" } | { type: "EXPLODE"; error: Error };

/**
 * A test actor kind that records every start and stop into one shared log, and can be crashed
 * on command through `ctx.fail`. Use it to test supervision configs: restart order, stop order,
 * "the stop function ran exactly once per start", "nothing runs after escalation".
 */
export class ActorProbe {
  /** Every start and stop, in the order they happened. */
  readonly log: ProbeEvent[] = [];
  private readonly live = new Map<string, LiveIncarnation>();
  private readonly starts = new Map<string, number>();
  private readonly behaviours = new Map<string, ProbeBehaviour>();

  /** The probe kind (start form). Register it under `kind` in the tree's kinds. */
  definition(kind = "probe"): AnyActorDefinition {
    return defineActor({
      kind,
      description: "test probe: records start/stop, crashes on command",
      start: (context) => this.onStart(context),
    });
  }

  /**
   * The probe kind in machine form: a machine that holds its resource in an invoked callback
   * (recording start/stop like the start form), reaches its final state on `exitNormally`, and
   * errors on `explode`.
   */
  machineDefinition(kind = "probe-machine"): AnyActorDefinition {
    return defineActor({
      kind,
      description: "test probe (machine form): exits normally or errors on command",
      machine: (context) => {
        const hold = fromCallback<ProbeMachineEvent>(({ sendBack }) => {
          const stop = this.onStart(context, {
            finish: () => sendBack({ type: "FINISH" }),
            explode: (error) => sendBack({ type: "EXPLODE", error }),
          });
          return () => void stop();
        });
        return setup({
          types: { events: {} as ProbeMachineEvent },
          actors: { hold },
          actions: {
            explode: ({ event }) => {
              if (event.type === "EXPLODE") throw event.error;
            },
          },
        }).createMachine({
          initial: "active",
          states: {
            active: { invoke: { src: "hold" }, on: { FINISH: "done", EXPLODE: { actions: "explode" } } },
            done: { type: "final" },
          },
        });
      },
    });
  }

  /** Machine form: the machine at `path` reaches its final state; false when none runs there. */
  exitNormally(path: string): boolean {
    const finish = this.live.get(path)?.finish;
    finish?.();
    return finish !== undefined;
  }

  /** Machine form: an action of the machine at `path` throws `error`; false when none runs there. */
  explode(path: string, error: Error = new Error(`probe ${path} machine exploded on command`)): boolean {
    const explode = this.live.get(path)?.explode;
    explode?.(error);
    return explode !== undefined;
  }

  /** Sets how the actor at `path` behaves from now on. */
  behave(path: string, behaviour: ProbeBehaviour): void {
    this.behaviours.set(path, behaviour);
  }

  /** Fails the running actor at `path` through its `ctx.fail`; false when none runs there. */
  crash(path: string, error: Error = new Error(`probe ${path} crashed on command`)): boolean {
    const live = this.live.get(path);
    if (live === undefined) return false;
    live.context.fail(error);
    return true;
  }

  /** Paths whose latest start has not been stopped, in no particular order. */
  running(): string[] {
    return [...this.live.keys()];
  }

  isRunning(path: string): boolean {
    return this.live.has(path);
  }

  /** How many times `path` started. */
  startCount(path: string): number {
    return this.starts.get(path) ?? 0;
  }

  /** Log entries after position `from` (take `log.length` before an action to see its effect). */
  since(from: number): ProbeEvent[] {
    return this.log.slice(from);
  }

  private onStart(context: ActorContext, machineHandles: Pick<LiveIncarnation, "finish" | "explode"> = {}): () => void | Promise<void> {
    const path = context.path;
    const behaviour = this.behaviours.get(path);
    if (behaviour?.startError && behaviour.startError.count > 0) {
      behaviour.startError.count -= 1;
      throw behaviour.startError.error;
    }
    const incarnation = (this.starts.get(path) ?? 0) + 1;
    this.starts.set(path, incarnation);
    this.log.push({ type: "start", path, incarnation });
    this.live.set(path, { incarnation, context, ...machineHandles });
    const recordStop = (): void => {
      if (this.live.get(path)?.incarnation === incarnation) this.live.delete(path);
      this.log.push({ type: "stop", path, incarnation });
    };
    const stopDelayMs = behaviour?.stopDelayMs;
    if (stopDelayMs === undefined) return recordStop;
    return () => new Promise<void>((resolve) => setTimeout(() => (recordStop(), resolve()), stopDelayMs));
  }
}
