import { createActor, type Actor, type AnyActorRef, type AnyMachineSnapshot, type AnyStateMachine, type Snapshot } from "xstate";
import type { ActorContext } from "../actor-context.js";
import type { MachineActorDefinition, MachineKindInput } from "../define-actor.js";
import { toError } from "../../common/errors.js";
import { forwardBusEvents, type BusEventForwarding } from "./forward-bus-events.js";
import { persistenceInterval, SnapshotPersister } from "./snapshot-persister.js";

/** How a machine kind's machine ended on its own. */
export type MachineEnd = { type: "done" } | { type: "error"; error: Error };

/**
 * The running machine of one machine-kind incarnation: its xstate actor (started with the kind's
 * `input`, or resumed from its persisted snapshot), the bus subscriptions that feed it events,
 * and the persistence of its snapshot. The hosted lifecycle starts it in `starting` and stops it
 * through the incarnation's release, like a start-form kind's resources.
 */
export class HostedMachine {
  private ending: MachineEnd | undefined;
  private endListener: ((end: MachineEnd) => void) | undefined;
  private forwarding: BusEventForwarding | undefined;
  private persister: SnapshotPersister | undefined;
  /** The last snapshot in which the machine was running: what a failure leaves persisted. */
  private lastActive: AnyMachineSnapshot;

  private constructor(
    private readonly machine: AnyStateMachine,
    private readonly actor: Actor<AnyStateMachine>,
  ) {
    this.lastActive = actor.getSnapshot();
  }

  /**
   * Builds and starts the kind's machine — resumed from its persisted snapshot when it persists
   * and that snapshot still fits — then opens its `events` subscriptions. Rejects (having released
   * what it opened) when the machine errors on its first step or a subscription fails.
   */
  static async start(definition: MachineActorDefinition<unknown>, context: ActorContext<unknown>): Promise<HostedMachine> {
    const machine = definition.machine(context);
    const input = definition.input
      ? definition.input(context)
      : ({ id: context.id, options: context.options } satisfies MachineKindInput<unknown>);
    const everyMs = persistenceInterval(definition.persist);
    const persisted = everyMs === undefined ? undefined : await context.state.load();
    const resumable = resumableSnapshot(persisted, context);
    let hosted = resumable === undefined ? undefined : HostedMachine.resume(machine, input, resumable, context, everyMs);
    hosted ??= HostedMachine.launch(machine, createActor(machine, { input }), context, everyMs);
    if (hosted.ending?.type === "error") {
      hosted.persister?.cancel();
      throw hosted.ending.error;
    }
    if (definition.events !== undefined) {
      const events = context.metrics.counter(
        "machine_events_total",
        "Bus messages for machine kinds by outcome: delivered, ignored (the mapper returned undefined), unaccepted (the machine could not take the event)",
        ["actor", "outcome"],
      );
      try {
        const mappers = typeof definition.events === "function" ? definition.events(context) : definition.events;
        hosted.forwarding = await forwardBusEvents(context.bus, hosted.actor, mappers, {
          log: context.log,
          onOutcome: (outcome) => events.inc({ actor: context.path, outcome }),
        });
      } catch (error) {
        hosted.persister?.cancel();
        hosted.actor.stop();
        throw error;
      }
    }
    return hosted;
  }

  /**
   * The machine resumed from `snapshot`, or undefined when the snapshot no longer fits: xstate
   * cannot restore it, or the restored machine errors on its first step. Either is reported and
   * the caller starts fresh, so a stale snapshot never turns into a crash loop.
   */
  private static resume(
    machine: AnyStateMachine,
    input: unknown,
    snapshot: Snapshot<unknown>,
    context: ActorContext<unknown>,
    everyMs: number | undefined,
  ): HostedMachine | undefined {
    const restored = createActor(machine, { input, snapshot });
    const restoreError = (restored.getSnapshot() as { status: string; error?: unknown }).error;
    let hosted: HostedMachine | undefined;
    if (restoreError === undefined) {
      hosted = HostedMachine.launch(machine, restored, context, everyMs);
      if (hosted.ending?.type !== "error") {
        context.log.info({ state: hosted.lastActive.value }, "machine resumed from its persisted snapshot");
        return hosted;
      }
      hosted.persister?.cancel();
    }
    context.metrics
      .counter("machine_snapshots_discarded_total", "Persisted machine snapshots that no longer fit their machine (it started fresh)", [
        "actor",
      ])
      .inc({ actor: context.path });
    const error = restoreError ?? (hosted?.ending as { error: Error }).error;
    context.log.warn(
      { err: error },
      "the persisted machine snapshot no longer fits the machine (its states changed?); starting fresh — the old snapshot is overwritten at the next save",
    );
    return undefined;
  }

  /** Wraps `actor`, observes it (and persists it when `everyMs` is set) and starts it. */
  private static launch(
    machine: AnyStateMachine,
    actor: Actor<AnyStateMachine>,
    context: ActorContext<unknown>,
    everyMs: number | undefined,
  ) {
    const hosted = new HostedMachine(machine, actor);
    if (everyMs !== undefined) {
      hosted.persister = new SnapshotPersister(
        context.state,
        everyMs,
        () => machine.getPersistedSnapshot(hosted.lastActive),
        context.log,
        context.clock,
      );
    }
    hosted.observe();
    actor.start();
    return hosted;
  }

  /** Calls `listener` once when the machine reaches its final state or errors (at once if it already has). */
  onEnd(listener: (end: MachineEnd) => void): void {
    if (this.ending !== undefined) listener(this.ending);
    else this.endListener = listener;
  }

  /**
   * Closes the subscriptions (so nothing arrives at a stopped machine), stops the machine and
   * saves its last snapshot: the current one, or for a machine that failed the last one in which
   * it was running. Synchronous when there is nothing to wait for.
   */
  stop(): void | Promise<void> {
    if (this.forwarding === undefined && this.persister === undefined) {
      this.actor.stop();
      return;
    }
    return this.stopAndSave();
  }

  private async stopAndSave(): Promise<void> {
    await this.forwarding?.close();
    const current = this.actor.getSnapshot() as AnyMachineSnapshot;
    // A finished machine's snapshot is kept as such: the next start sees it is done and starts fresh.
    const keep = current.status === "error" ? this.lastActive : current;
    const persisted = this.persister ? this.machine.getPersistedSnapshot(keep) : undefined;
    this.actor.stop();
    await this.persister?.finish(persisted);
  }

  private observe(): void {
    this.actor.subscribe({
      next: (snapshot) => {
        if (snapshot.status !== "active") return;
        this.lastActive = snapshot;
        this.persister?.changed();
      },
      complete: () => this.end({ type: "done" }),
      error: (error: unknown) => {
        stopOrphanedChildren(this.actor.getSnapshot().children);
        this.end({ type: "error", error: toError(error) });
      },
    });
  }

  private end(end: MachineEnd): void {
    if (this.ending !== undefined) return;
    this.ending = end;
    this.endListener?.(end);
  }
}

/**
 * The persisted snapshot to resume from: none when nothing was saved or the machine had reached
 * its final state (it starts fresh, as a finished machine must); a snapshot of a running machine
 * otherwise, whether it still fits is for xstate to say.
 */
function resumableSnapshot(persisted: unknown, context: ActorContext<unknown>): Snapshot<unknown> | undefined {
  if (persisted === undefined || persisted === null) return undefined;
  if ((persisted as { status?: unknown }).status === "done") {
    context.log.info("the persisted machine snapshot is of a finished machine; starting fresh");
    return undefined;
  }
  return persisted as Snapshot<unknown>;
}

/**
 * xstate v5 marks an actor that errored as stopped without stopping what it invoked or spawned
 * (its own source says so: "we can't stop them from here but we really should"), and `stop()` on
 * it is then a no-op. Those children would survive the failure, so they are stopped here with the
 * same internal stop event xstate sends when it stops a child; machine children stop theirs.
 */
function stopOrphanedChildren(children: Record<string, AnyActorRef | undefined> | undefined): void {
  for (const orphan of Object.values(children ?? {})) orphan?.send({ type: "xstate.stop" });
}
