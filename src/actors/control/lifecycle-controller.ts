import type { Clock } from "../../common/clock.js";
import { PlexusError } from "../../common/errors.js";
import type { Logger } from "../../common/logger.js";
import { ThrottledLog } from "../../common/throttled-log.js";
import type { ActorStateStore } from "../../runtime/actor-context.js";
import { AckWindow } from "./ack-window.js";
import { CommandLanes } from "./command-lanes.js";
import { decideCommand, type CommandOutcome } from "./decide-command.js";
import { EntityStates } from "./entity-states.js";
import type { EventLog } from "./event-log.js";
import { ackOf, type LifecycleAck, type LoggedTransition } from "./lifecycle-ack.js";
import type { LifecycleCommand } from "./lifecycle-command.js";
import type { LifecycleRules } from "./lifecycle-rules.js";

/** What the controller needs; the actor supplies the bus side through `publish`. */
export interface ControllerSettings {
  rules: LifecycleRules;
  eventLog: EventLog;
  /** Acks remembered for repeats. */
  dedupeWindow: number;
  queueCapacity: number;
  emergencyQueueCapacity: number;
  /** Commands judged together and appended with one write. */
  maxBatch: number;
  /** A snapshot is saved after this many transitions (and on stop), bounding what a restart re-reads from the log. */
  snapshotEvery: number;
  clock: Clock;
  log: Logger;
  state: ActorStateStore;
  /** Publishes what an outcome announces (the transition's event, then the ack); resolves once the bus took them. */
  publish(outcome: CommandOutcome): Promise<void>;
  /** The log could not be written: the controller's memory is ahead of it, so the actor must restart from the log. */
  onFatal(error: unknown): void;
}

const SNAPSHOT_VERSION = 2;

/** What the controller keeps in `ctx.state`: consistent with the log up to `lastSeq`. */
export interface ControllerSnapshot {
  version: typeof SNAPSHOT_VERSION;
  lifecycle: string;
  lastSeq: number;
  entities: Record<string, string>;
  /** Acks of rejected commands still in the dedupe window (accepted ones are rebuilt from the log). */
  rejected: LifecycleAck[];
}

interface Pending {
  command: LifecycleCommand;
  resolve(ack: LifecycleAck): void;
  reject(error: unknown): void;
}

/** Acks kept for the status. */
const RECENT = 20;

/**
 * Judges lifecycle commands one batch at a time and applies them in one place. For each batch:
 * every command is decided against the entity states as the previous ones left them (a repeated
 * commandId gets its remembered ack), the accepted transitions are appended to the event log and
 * only once the log holds them are their events and all the acks published. So an ack always
 * describes something durable, and after a crash the log (plus the last snapshot) gives back every
 * entity's state and the ack of every accepted command still within the dedupe window.
 */
export class LifecycleController {
  readonly entities: EntityStates;
  readonly window: AckWindow;
  private readonly lanes: CommandLanes<Pending>;
  private readonly throttled: ThrottledLog;
  private readonly recent: LifecycleAck[] = [];
  private nextSeq = 1;
  private draining: Promise<void> | undefined;
  private stopped = false;
  /** The log refused an append: memory is ahead of it and must not be saved. */
  private fatal = false;
  private sinceSnapshot = 0;
  private saving: Promise<void> | undefined;
  private pendingSnapshot: ControllerSnapshot | undefined;
  readonly counts = { received: 0, accepted: 0, rejected: 0, duplicates: 0, overflow: 0, replayed: 0 };

  constructor(private readonly settings: ControllerSettings) {
    this.entities = new EntityStates(settings.rules.initial);
    this.window = new AckWindow(settings.dedupeWindow);
    this.lanes = new CommandLanes(settings.queueCapacity, settings.emergencyQueueCapacity);
    this.throttled = new ThrottledLog(settings.log, 10_000);
  }

  /**
   * Rebuilds the entity states from the snapshot and the log after it, and the ack window from the
   * snapshot's rejections and the last `dedupeWindow` records of the log (accepted acks are never
   * in the snapshot: the log has them, and keeping them out keeps each snapshot small).
   */
  async restore(): Promise<{ fromSnapshot: number; fromLog: number }> {
    const saved = await this.settings.state.load<Partial<ControllerSnapshot>>();
    const snapshot =
      saved?.version === SNAPSHOT_VERSION && saved.lifecycle === this.settings.rules.definition.name
        ? (saved as ControllerSnapshot)
        : undefined;
    if (saved !== undefined && snapshot === undefined)
      this.settings.log.warn(
        { lifecycle: saved.lifecycle, version: saved.version },
        "lifecycle controller snapshot is of another version or lifecycle; rebuilding from the event log alone",
      );
    const afterSeq = snapshot?.lastSeq ?? 0;
    const records = await this.settings.eventLog.open(Math.max(0, afterSeq - this.settings.dedupeWindow));
    if (this.settings.eventLog.lastSeq < afterSeq) {
      throw new PlexusError(
        "STATE_READ_FAILED",
        `event log ${this.settings.eventLog.where} ends at seq ${this.settings.eventLog.lastSeq} but the controller's snapshot already includes seq ${afterSeq}: the log was removed or replaced; restore it, or remove the snapshot to start from the log`,
        { retryable: false },
      );
    }
    if (snapshot !== undefined) {
      this.entities.restore(snapshot.entities);
      for (const ack of snapshot.rejected) this.window.remember(ack);
    }
    let fromLog = 0;
    for (const transition of records) {
      if (transition.seq > afterSeq) {
        this.applyTransition(transition);
        fromLog++;
      } else this.window.remember(ackOf(transition));
    }
    this.nextSeq = this.settings.eventLog.lastSeq + 1;
    return { fromSnapshot: afterSeq, fromLog };
  }

  /** Queues `command`; resolves with its ack once published (rejected at once when its lane is full). */
  submit(command: LifecycleCommand): Promise<LifecycleAck> {
    this.counts.received++;
    return new Promise<LifecycleAck>((resolve, reject) => {
      if (this.stopped) return reject(new PlexusError("BUS_CLOSED", "the lifecycle controller is stopping"));
      if (!this.lanes.offer({ command, resolve, reject }, command.priority === "emergency")) {
        this.counts.overflow++;
        const depths = this.lanes.depths();
        this.throttled.warn(
          "overflow",
          { ...depths, overflow: this.counts.overflow, priority: command.priority },
          "lifecycle controller queue full; command rejected",
        );
        // Not remembered: the refusal says nothing about the command, so sending it again later is judged afresh.
        const from = this.entities.of(command.entityId);
        const ack: LifecycleAck = {
          commandId: command.commandId,
          entityId: command.entityId,
          accepted: false,
          from,
          to: from,
          reason: `the controller's ${command.priority} queue is full (${command.priority === "emergency" ? depths.emergency : depths.normal} waiting); send the command again later`,
        };
        void this.settings.publish({ kind: "rejected", ack }).then(() => resolve(ack), reject);
        return;
      }
      this.draining ??= this.drain();
    });
  }

  /** At most `limit` logged transitions from `fromSeq`, and where the next page starts. */
  async replay(fromSeq: number, limit: number): Promise<{ events: LoggedTransition[]; nextSeq: number; lastSeq: number }> {
    this.counts.replayed++;
    const events = await this.settings.eventLog.read(fromSeq, limit);
    const last = events[events.length - 1];
    return { events, nextSeq: last === undefined ? Math.max(1, fromSeq) : last.seq + 1, lastSeq: this.settings.eventLog.lastSeq };
  }

  /** The last acks published, newest last. */
  recentAcks(): LifecycleAck[] {
    return [...this.recent];
  }

  get lastSeq(): number {
    return this.nextSeq - 1;
  }

  get queued(): { normal: number; emergency: number } {
    return this.lanes.depths();
  }

  /** Finishes the batch under way, refuses what is still queued (the bus hands it to the next incarnation) and saves a snapshot. */
  async stop(): Promise<void> {
    this.stopped = true;
    await this.draining;
    for (const pending of this.lanes.take(Number.MAX_SAFE_INTEGER))
      pending.reject(new PlexusError("BUS_CLOSED", "the lifecycle controller stopped before judging this command"));
    while (this.saving !== undefined) await this.saving;
    // A controller that judged nothing leaves no snapshot behind.
    if (!this.fatal && this.counts.received > 0) await this.settings.state.save(this.snapshot());
    await this.settings.eventLog.close();
  }

  private async drain(): Promise<void> {
    try {
      while (!this.stopped && this.lanes.length > 0) await this.runBatch(this.lanes.take(this.settings.maxBatch));
    } finally {
      this.draining = undefined;
    }
  }

  private async runBatch(batch: Pending[]): Promise<void> {
    const now = new Date(this.settings.clock.now()).toISOString();
    const outcomes: CommandOutcome[] = [];
    const transitions: LoggedTransition[] = [];
    for (const { command } of batch) {
      const outcome = decideCommand(command, {
        rules: this.settings.rules,
        entities: this.entities,
        window: this.window,
        nextSeq: this.nextSeq,
        now,
      });
      outcomes.push(outcome);
      if (outcome.kind === "accepted") {
        this.applyTransition(outcome.transition);
        this.nextSeq++;
        transitions.push(outcome.transition);
        this.counts.accepted++;
      } else if (outcome.kind === "rejected") {
        this.window.remember(outcome.ack);
        this.counts.rejected++;
      } else this.counts.duplicates++;
    }
    try {
      if (transitions.length > 0) await this.settings.eventLog.append(transitions);
    } catch (error) {
      for (const pending of batch) pending.reject(error);
      this.stopped = true;
      this.fatal = true;
      this.settings.log.error(
        { err: error, where: this.settings.eventLog.where },
        "lifecycle controller could not append to its event log; restarting",
      );
      this.settings.onFatal(error);
      return;
    }
    if (transitions.length > 0) this.noteSnapshot(transitions.length);
    await Promise.all(
      outcomes.map((outcome, index) => {
        const pending = batch[index] as Pending;
        return this.settings.publish(outcome).then(
          () => {
            this.recent.push(outcome.ack);
            if (this.recent.length > RECENT) this.recent.shift();
            pending.resolve(outcome.ack);
          },
          (error: unknown) => pending.reject(error),
        );
      }),
    );
  }

  private applyTransition(transition: LoggedTransition): void {
    this.entities.set(transition.entityId, transition.to);
    this.window.remember(ackOf(transition));
  }

  private snapshot(): ControllerSnapshot {
    return {
      version: SNAPSHOT_VERSION,
      lifecycle: this.settings.rules.definition.name,
      lastSeq: this.nextSeq - 1,
      entities: this.entities.snapshot(),
      rejected: this.window.snapshot().filter((ack) => !ack.accepted),
    };
  }

  /**
   * Saves a snapshot every `snapshotEvery` transitions, taken right after an append, when memory
   * and log agree. One save runs at a time; a newer snapshot taken meanwhile replaces the waiting one.
   */
  private noteSnapshot(transitions: number): void {
    this.sinceSnapshot += transitions;
    if (this.sinceSnapshot < this.settings.snapshotEvery) return;
    this.sinceSnapshot = 0;
    this.pendingSnapshot = this.snapshot();
    this.saving ??= this.saveSnapshots();
  }

  private async saveSnapshots(): Promise<void> {
    while (this.pendingSnapshot !== undefined) {
      const snapshot = this.pendingSnapshot;
      this.pendingSnapshot = undefined;
      try {
        await this.settings.state.save(snapshot);
      } catch (error) {
        // The log still has everything; a restart only re-reads more of it.
        this.settings.log.warn({ err: error }, "lifecycle controller snapshot not saved; the event log still has every transition");
      }
    }
    this.saving = undefined;
  }
}
