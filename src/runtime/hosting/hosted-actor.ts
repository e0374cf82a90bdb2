import { createActor, type Actor } from "xstate";
import type { ActorContext } from "../actor-context.js";
import type { AnyActorDefinition } from "../define-actor.js";
import type { LifecycleState } from "../lifecycle-types.js";
import type { Logger } from "../../common/logger.js";
import { hostedActorMachine } from "./hosted-actor-machine.js";
import type { ChildHooks, ChildInstance, InstanceExit } from "./child-instance.js";

export { hostedActorMachine } from "./hosted-actor-machine.js";

export interface HostedActorOptions {
  definition: AnyActorDefinition;
  /** Path from the root, e.g. `root/group-a/ticker`. */
  path: string;
  shutdownMs: number;
  log: Logger;
  /** Builds the context of this incarnation; `signal` and `fail` belong to it alone. */
  makeContext(input: { signal: AbortSignal; fail: (error: unknown) => void }): ActorContext;
  hooks: ChildHooks;
}

/**
 * One incarnation of an actor kind, run by the hosted lifecycle machine. A restart makes a new
 * HostedActor: its signal, its fail function and everything its start acquired are its own, so
 * nothing survives into the next incarnation — except its bus subscriptions, which the runtime
 * keeps in the child's slot (see SlotBus).
 */
export class HostedActor implements ChildInstance {
  private readonly actor: Actor<typeof hostedActorMachine>;
  private readonly controller = new AbortController();
  private currentState: LifecycleState = "starting";
  private finalError: Error | undefined;
  private stopRequested = false;
  private started = false;
  private startWaiters: { resolve(): void; reject(error: Error): void } | undefined;
  private readonly finished: Promise<void>;
  private markFinished!: () => void;

  constructor(private readonly options: HostedActorOptions) {
    this.finished = new Promise<void>((resolve) => (this.markFinished = resolve));
    const fail = (error: unknown): void => {
      // A fail after the end of this incarnation belongs to nothing any more: ignore it.
      if (this.isFinal()) return;
      this.actor.send({ type: "FAIL", error });
    };
    this.actor = createActor(hostedActorMachine, {
      input: {
        definition: options.definition,
        path: options.path,
        shutdownMs: options.shutdownMs,
        log: options.log,
        controller: this.controller,
        createContext: () => options.makeContext({ signal: this.controller.signal, fail }),
        report: (state, error) => this.onState(state, error),
      },
    });
  }

  /** The current lifecycle state. */
  get state(): LifecycleState {
    return this.currentState;
  }

  /** The error this incarnation failed with, if it did. */
  get error(): Error | undefined {
    return this.finalError;
  }

  /** Resolves once running; rejects with the failure when it ends before running. */
  start(): Promise<void> {
    if (this.started || this.isFinal())
      return Promise.reject(new Error(`${this.options.path}: a hosted actor starts once; restarts create a new one`));
    this.started = true;
    const running = new Promise<void>((resolve, reject) => (this.startWaiters = { resolve, reject }));
    this.actor.start();
    return running;
  }

  /** Asks the actor to stop and resolves when it is stopped or failed (forced after shutdownMs). */
  stop(): Promise<void> {
    if (!this.isFinal()) {
      this.stopRequested = true;
      if (this.started) this.actor.send({ type: "STOP" });
      else this.onState("stopped");
    }
    return this.finished;
  }

  private isFinal(): boolean {
    return this.currentState === "stopped" || this.currentState === "failed";
  }

  private onState(state: LifecycleState, error?: Error): void {
    this.currentState = state;
    if (state === "failed") this.finalError = error;
    safely(this.options.log, this.options.path, () => this.options.hooks.report(state, error));
    if (state === "running") {
      this.startWaiters?.resolve();
      this.startWaiters = undefined;
      return;
    }
    if (state !== "stopped" && state !== "failed") return;
    if (this.startWaiters) {
      this.startWaiters.reject(error ?? new Error(`${this.options.path} stopped before it was running`));
      this.startWaiters = undefined;
    }
    const exit: InstanceExit = this.stopRequested
      ? { reason: "shutdown", ...(error ? { error } : {}) }
      : state === "failed"
        ? { reason: "failure", error: error ?? new Error(`${this.options.path} failed`) }
        : { reason: "normal" };
    this.markFinished();
    safely(this.options.log, this.options.path, () => this.options.hooks.exited(exit));
  }
}

/** Runs a listener so that its throw is logged, never breaking the lifecycle machine. */
function safely(log: Logger, path: string, listener: () => void): void {
  try {
    listener();
  } catch (error) {
    log.error({ actor: path, err: error }, "a lifecycle listener threw; the lifecycle continues");
  }
}
