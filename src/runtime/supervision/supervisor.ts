import type { SupervisionEnvironment } from "./supervision-environment.js";
import { escalationError } from "./escalation-error.js";
import { createActor, type Actor } from "xstate";
import { isSupervisorSpec, type ChildSpec, type SupervisorChildSpec } from "./child-spec.js";
import { PlexusError, toError } from "../../common/errors.js";
import type { ActorTreeNode, LifecycleEvent, LifecycleState } from "../lifecycle-types.js";
import { RestartBackoff } from "./restart-backoff.js";
import { HostedActor } from "../hosting/hosted-actor.js";
import { RestartIntensity } from "./restart-intensity.js";
import type { ChildExit } from "../hosting/child-instance.js";
import { decideRestart, type RestartDecision } from "./restart-decision.js";
import { childKind, ChildTable, mergeInStartOrder, type ChildRecord } from "./child-table.js";
import { supervisorMachine, type SupervisorWork } from "./supervisor-machine.js";
import { SupervisorMailbox, type Settle, type SupervisorOperation } from "./supervisor-mailbox.js";
import { validateChildSpec } from "./child-spec-validation.js";
import { abortableDelay } from "./abortable-delay.js";
import { IndependentRestarts } from "./independent-restarts.js";
import { withinShutdown, type ChildHooks, type ChildInstance, type InstanceExit } from "../hosting/child-instance.js";

/** A restart the decision called for, with the backoff it waits. */
interface RestartPlan {
  decision: Extract<RestartDecision, { action: "restart" }>;
  delayMs: number;
}

/**
 * An OTP-style supervisor. It owns a table of children, a mailbox of operations (child exits,
 * dynamic start/stop) and an xstate machine for its own lifecycle. What to do after an exit is
 * decided in restart-decision.ts; this class only applies the decision. An ordered restart
 * (one_for_all, rest_for_one) stops siblings in reverse order, waits the backoff and starts the
 * children again in order (each running before the next starts) before the next operation; a
 * one_for_one restart runs on its own (its backoff, then its start) while the supervisor goes on.
 */
export class Supervisor implements ChildInstance, SupervisorWork {
  private readonly children = new ChildTable();
  private readonly intensity: RestartIntensity;
  private readonly mailbox = new SupervisorMailbox();
  private readonly actor: Actor<typeof supervisorMachine>;
  private lastReported: LifecycleState | undefined;
  private started = false;
  private stopRequested = false;
  private final = false;
  private startWaiters: Settle | undefined;
  /** Restarts running on their own (one_for_one), each until its child runs or gives up. */
  private readonly ownRestarts = new IndependentRestarts();
  private readonly finished: Promise<void>;
  private markFinished!: () => void;

  constructor(
    readonly spec: SupervisorChildSpec,
    readonly path: string,
    private readonly env: SupervisionEnvironment,
    private readonly hooks: ChildHooks,
  ) {
    this.intensity = new RestartIntensity(spec.supervisor.intensity, spec.supervisor.periodMs);
    for (const child of spec.children) this.children.add(child, this.newBackoff());
    this.finished = new Promise<void>((resolve) => (this.markFinished = resolve));
    this.actor = createActor(supervisorMachine, { input: this });
  }

  /** Starts the children in order; resolves when all run, rejects if the supervisor gives up. */
  start(): Promise<void> {
    if (this.started || this.final) {
      return Promise.reject(
        new PlexusError("ALREADY_STARTED", `supervisor ${this.path} was already started or stopped; a restart creates a new one`),
      );
    }
    this.started = true;
    const running = new Promise<void>((resolve, reject) => (this.startWaiters = { resolve, reject }));
    this.actor.start();
    return running;
  }

  /** Stops the children in reverse order; forced (abandoned) after this supervisor's shutdownMs. */
  async stop(): Promise<void> {
    if (!this.final) {
      this.stopRequested = true;
      if (this.started) this.actor.send({ type: "STOP" });
      else this.report("stopped");
    }
    try {
      await withinShutdown(this.finished, this.spec.shutdownMs, this.path);
    } catch (error) {
      this.env.log.error({ supervisor: this.path, err: error }, "supervisor did not stop in time; abandoned");
      this.guarded(() => this.hooks.report("failed", toError(error)));
    }
  }

  /** Adds and starts a child at run time; rejects (and keeps nothing) if it fails to start. */
  startChild(spec: ChildSpec): Promise<void> {
    return new Promise<void>((resolve, reject) => this.enqueue({ type: "startChild", spec, resolve, reject }, reject));
  }

  /** Stops a child (reverse order within a nested supervisor) and removes it. */
  stopChild(id: string): Promise<void> {
    return new Promise<void>((resolve, reject) => this.enqueue({ type: "stopChild", id, resolve, reject }, reject));
  }

  /** The nested supervisor at `ids` below this one (ids relative to this supervisor). */
  findSupervisor(ids: readonly string[]): Supervisor | undefined {
    if (ids.length === 0) return this;
    const [first, ...rest] = ids;
    const instance = first === undefined ? undefined : this.children.get(first)?.instance;
    return instance instanceof Supervisor ? instance.findSupervisor(rest) : undefined;
  }

  childNodes(): ActorTreeNode[] {
    return this.children.inStartOrder().map((record) => {
      const { type, kind } = childKind(record.spec);
      const node: ActorTreeNode = {
        id: record.spec.id,
        path: `${this.path}/${record.spec.id}`,
        type,
        kind,
        state: record.state,
        restarts: record.restarts,
      };
      if (record.lastError !== undefined) node.lastError = record.lastError;
      if (type === "supervisor") node.children = record.instance?.childNodes?.() ?? [];
      return node;
    });
  }

  // --- SupervisorWork: invoked by the lifecycle machine -------------------------------------

  async startChildren(signal: AbortSignal): Promise<void> {
    await this.runStarts(this.children.inStartOrder(), signal);
  }

  hasWork(): boolean {
    return !this.mailbox.isEmpty;
  }

  async processNext(signal: AbortSignal): Promise<void> {
    const operation = this.mailbox.take();
    if (operation === undefined) return;
    if (operation.type === "exit") {
      const { record, instance, exit } = operation;
      // A stale exit: the child was restarted or removed by an earlier operation.
      if (!this.children.holds(record) || record.instance !== instance) return;
      const plan = this.decide(record, exit);
      if (plan === undefined) return;
      if (!plan.decision.ordered) {
        this.restartOnItsOwn(record, plan.delayMs);
        return;
      }
      await this.runStarts(await this.prepareRestart(plan, signal), signal);
    } else if (operation.type === "startChild") {
      await this.startDynamicChild(operation);
    } else {
      await this.stopDynamicChild(operation);
    }
  }

  async stopChildren(): Promise<void> {
    // First, so that no restart running on its own starts a child behind the stops below.
    this.ownRestarts.end();
    this.refuseQueued();
    for (const record of this.children.inStopOrder()) {
      await this.stopRecord(record);
      this.released(record);
    }
    await this.ownRestarts.settled();
  }

  report(state: LifecycleState, error?: Error): void {
    if (state === this.lastReported) return;
    this.lastReported = state;
    this.guarded(() => this.hooks.report(state, error));
    if (state === "running") {
      this.startWaiters?.resolve();
      this.startWaiters = undefined;
    }
    if (state !== "stopped" && state !== "failed") return;
    this.final = true;
    this.refuseQueued();
    const failure = error ?? new Error(`supervisor ${this.path} failed`);
    if (this.startWaiters) {
      this.startWaiters.reject(state === "failed" ? failure : new Error(`supervisor ${this.path} was stopped before it was running`));
      this.startWaiters = undefined;
    }
    const exit: InstanceExit = this.stopRequested
      ? { reason: "shutdown", ...(error ? { error } : {}) }
      : state === "failed"
        ? { reason: "failure", error: failure }
        : { reason: "normal" };
    this.markFinished();
    this.guarded(() => this.hooks.exited(exit));
  }

  // --- restarts ------------------------------------------------------------------------------

  /**
   * Starts `records` in order. A child that fails to start counts as a failure of that child: the
   * restart decision runs and whatever it says to start joins the rest of the queue, in order.
   */
  private async runStarts(records: ChildRecord[], signal: AbortSignal): Promise<void> {
    let queue = records;
    let index = 0;
    while (index < queue.length) {
      if (signal.aborted) return;
      const record = queue[index];
      index += 1;
      if (record === undefined || !this.children.holds(record)) continue;
      if (record.instance !== undefined && record.state === "running") continue;
      const failure = await this.startRecord(record);
      if (failure === undefined || signal.aborted) continue;
      const again = await this.applyExit(record, { reason: "failure", error: failure }, signal);
      queue = mergeInStartOrder(again, queue.slice(index));
      index = 0;
    }
  }

  /** Applies the restart decision for `record`'s exit in line; returns the children to start again. */
  private async applyExit(record: ChildRecord, exit: ChildExit, signal: AbortSignal): Promise<ChildRecord[]> {
    const plan = this.decide(record, exit);
    return plan === undefined ? [] : this.prepareRestart(plan, signal);
  }

  /**
   * Asks restart-decision.ts what `record`'s exit calls for and books it: a removal, or a restart
   * counted against the intensity with the child's next backoff. Throws the escalation error.
   */
  private decide(record: ChildRecord, exit: ChildExit): RestartPlan | undefined {
    const now = this.env.now();
    const settings = this.spec.supervisor;
    const decision = decideRestart({
      strategy: settings.strategy,
      child: { id: record.spec.id, restart: record.spec.restart },
      exit,
      children: () => this.children.views(),
      recentRestarts: this.intensity.recent(now),
      intensity: settings.intensity,
      periodMs: settings.periodMs,
    });
    if (decision.action === "keep") return undefined;
    if (decision.action === "remove") {
      this.removeChild(record.spec.id);
      return undefined;
    }
    if (decision.action === "escalate") throw escalationError(this.path, decision);
    this.intensity.record(now);
    const delayMs = record.backoff.nextDelay(now);
    this.report("restarting");
    return { decision, delayMs };
  }

  /** Stops and removes the siblings a restart names, then waits its backoff; returns the children to start. */
  private async prepareRestart(plan: RestartPlan, signal: AbortSignal): Promise<ChildRecord[]> {
    for (const id of plan.decision.stop) {
      const sibling = this.children.get(id);
      if (sibling !== undefined) await this.stopRecord(sibling);
    }
    for (const id of plan.decision.remove) this.removeChild(id);
    const restart = this.markRestarting(plan.decision.start);
    if (plan.delayMs > 0) await abortableDelay(plan.delayMs, signal);
    return restart;
  }

  /** Counts a restart of each child named and shows it as restarting; returns their records. */
  private markRestarting(ids: readonly string[]): ChildRecord[] {
    const restart: ChildRecord[] = [];
    for (const id of ids) {
      const child = this.children.get(id);
      if (child === undefined) continue;
      child.restarts += 1;
      this.setChildState(child, "restarting", undefined);
      restart.push(child);
    }
    return restart;
  }

  /**
   * A one_for_one restart: waits the child's backoff and starts it, while the supervisor handles
   * other operations. A stop or escalation of the supervisor ends the wait (nothing starts after
   * it); a start that fails is a failure of the child, queued and judged like any other exit.
   */
  private restartOnItsOwn(record: ChildRecord, delayMs: number): void {
    this.markRestarting([record.spec.id]);
    this.ownRestarts.run(
      async (signal) => {
        if (delayMs > 0) await abortableDelay(delayMs, signal);
        if (signal.aborted || !this.children.holds(record)) return;
        const failure = await this.startRecord(record);
        const instance = record.instance;
        if (failure === undefined || signal.aborted || !this.children.holds(record) || instance === undefined) return;
        this.enqueue({ type: "exit", record, instance, exit: { reason: "failure", error: failure } });
      },
      (error) => this.env.log.error({ supervisor: this.path, child: record.spec.id, err: error }, "restarting a child failed unexpectedly"),
    );
  }

  /** Starts a new incarnation of `record`; returns its start failure, if any. */
  private async startRecord(record: ChildRecord): Promise<Error | undefined> {
    const instance = this.createInstance(record);
    record.instance = instance;
    try {
      await instance.start();
      record.backoff.markRunning(this.env.now());
      return undefined;
    } catch (error) {
      return toError(error);
    }
  }

  private async stopRecord(record: ChildRecord): Promise<void> {
    try {
      await record.instance?.stop();
    } catch (error) {
      this.env.log.error({ supervisor: this.path, child: record.spec.id, err: error }, "stopping a child failed");
    }
  }

  private createInstance(record: ChildRecord): ChildInstance {
    const spec = record.spec;
    const path = `${this.path}/${spec.id}`;
    let instance: ChildInstance | undefined;
    // Start failures are reported by the awaited start() itself; only exits after running are queued.
    let reachedRunning = false;
    const hooks: ChildHooks = {
      report: (state, error) => {
        if (state === "running") reachedRunning = true;
        // An old incarnation still finishing its stop must not overwrite the live one's state.
        if (record.instance === instance) this.setChildState(record, state, error);
        else this.emit({ id: spec.id, path, state, restarts: record.restarts, ...(error ? { error } : {}) });
      },
      exited: (exit) => {
        if (exit.reason === "shutdown") {
          if (exit.error) this.env.log.warn({ supervisor: this.path, child: spec.id, err: exit.error }, "child did not stop cleanly");
          return;
        }
        if (!reachedRunning || instance === undefined || record.instance !== instance || !this.children.holds(record)) return;
        this.enqueue({ type: "exit", record, instance, exit });
      },
    };
    if (isSupervisorSpec(spec)) {
      instance = new Supervisor(spec, path, this.env, hooks);
      return instance;
    }
    const definition = this.env.kinds.get(spec.kind);
    if (definition === undefined) throw new PlexusError("UNKNOWN_KIND", `${path}: unknown actor kind "${spec.kind}"`, { retryable: false });
    instance = new HostedActor({
      definition,
      path,
      shutdownMs: spec.shutdownMs,
      log: this.env.log,
      makeContext: ({ signal, fail }) => this.env.makeContext({ spec, path, signal, fail }),
      hooks,
    });
    return instance;
  }

  /** Records a child's state and emits its lifecycle event. */
  private setChildState(record: ChildRecord, state: LifecycleState, error: Error | undefined): void {
    record.state = state;
    if (error !== undefined) record.lastError = error.message;
    this.emit({
      id: record.spec.id,
      path: `${this.path}/${record.spec.id}`,
      state,
      restarts: record.restarts,
      ...(error ? { error } : {}),
    });
  }

  // --- dynamic children ----------------------------------------------------------------------

  private async startDynamicChild(operation: { spec: ChildSpec } & Settle): Promise<void> {
    try {
      const { spec } = operation;
      if (this.children.get(spec.id) !== undefined) {
        throw new PlexusError("CHILD_EXISTS", `${this.path} already has a child "${spec.id}"; stopChild it first or use another id`, {
          retryable: false,
        });
      }
      validateChildSpec(spec, this.path, this.env.kinds);
      const record = this.children.add(spec, this.newBackoff());
      const failure = await this.startRecord(record);
      if (failure !== undefined) {
        this.removeChild(spec.id);
        throw failure;
      }
      operation.resolve();
    } catch (error) {
      operation.reject(toError(error));
    }
  }

  private async stopDynamicChild(operation: { id: string } & Settle): Promise<void> {
    const record = this.children.get(operation.id);
    if (record === undefined) {
      operation.reject(
        new PlexusError("UNKNOWN_CHILD", `${this.path} has no child "${operation.id}"; see tree() for the live children`, {
          retryable: false,
        }),
      );
      return;
    }
    await this.stopRecord(record);
    this.removeChild(operation.id);
    operation.resolve();
  }

  // --- mailbox -------------------------------------------------------------------------------

  private enqueue(operation: SupervisorOperation, refuse?: (error: Error) => void): void {
    if (this.final || this.stopRequested) {
      refuse?.(new PlexusError("SUPERVISOR_STOPPED", `supervisor ${this.path} is stopping or stopped; ${operation.type} was not done`));
      return;
    }
    this.mailbox.push(operation);
    if (this.started) this.actor.send({ type: "WORK" });
  }

  /** Rejects queued start/stop calls: the supervisor is going down and will not handle them. */
  private refuseQueued(): void {
    for (const operation of this.mailbox.drain()) {
      if (operation.type === "exit") continue;
      const what = operation.type === "startChild" ? `startChild("${operation.spec.id}")` : `stopChild("${operation.id}")`;
      operation.reject(new PlexusError("SUPERVISOR_STOPPED", `supervisor ${this.path} stopped before handling ${what}`));
    }
  }

  private removeChild(id: string): void {
    const record = this.children.get(id);
    this.children.remove(id);
    if (record !== undefined) this.released(record);
  }

  /** Tells the environment a worker is gone for good; nested supervisors report their own workers. */
  private released(record: ChildRecord): void {
    if (isSupervisorSpec(record.spec)) return;
    const path = `${this.path}/${record.spec.id}`;
    this.guarded(() => this.env.onChildRemoved?.(path));
  }

  private newBackoff(): RestartBackoff {
    return new RestartBackoff(this.spec.supervisor.backoff, this.spec.supervisor.stableMs, this.env.random);
  }

  private emit(event: LifecycleEvent): void {
    this.guarded(() => this.env.onLifecycle(event));
  }

  private guarded(listener: () => void): void {
    try {
      listener();
    } catch (error) {
      this.env.log.error({ supervisor: this.path, err: error }, "a lifecycle listener threw; supervision continues");
    }
  }
}
