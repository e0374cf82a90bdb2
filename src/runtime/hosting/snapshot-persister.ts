import type { ActorStateStore } from "../actor-context.js";
import { DEFAULT_PERSIST_EVERY_MS, type MachinePersistence } from "../define-actor.js";
import { systemClock, type Clock } from "../../common/clock.js";
import type { Logger } from "../../common/logger.js";

/** `persist` of a machine kind, resolved: undefined when the kind does not persist. */
export function persistenceInterval(persist: boolean | MachinePersistence | undefined): number | undefined {
  if (persist === undefined || persist === false) return undefined;
  if (persist === true) return DEFAULT_PERSIST_EVERY_MS;
  return persist.everyMs ?? DEFAULT_PERSIST_EVERY_MS;
}

/** How long to wait before the next throttled save: 0 means now. */
export function saveDelay(now: number, lastSaveAt: number, everyMs: number): number {
  return Math.max(0, lastSaveAt + everyMs - now);
}

/** What the persister reads of a clock: the actor's `ctx.clock`, so tests drive it without waiting. */
export type PersisterClock = Pick<Clock, "now" | "setTimeout" | "clearTimeout">;

/**
 * Saves a running machine's snapshot on transitions, at most once per `everyMs`, with one save in
 * flight at a time and a trailing save so the last transition is never left unsaved; `finish`
 * saves the final snapshot after any save still in flight. Saving on transitions (not only on
 * stop) is what lets a machine resume after its whole process died without a stop.
 */
export class SnapshotPersister {
  private lastSaveAt = Number.NEGATIVE_INFINITY;
  private dirty = false;
  private timer: unknown;
  private inFlight: Promise<void> | undefined;
  private finished = false;

  constructor(
    private readonly store: ActorStateStore,
    private readonly everyMs: number,
    /** The persisted snapshot to save now. */
    private readonly take: () => unknown,
    private readonly log: Logger,
    private readonly clock: PersisterClock = systemClock,
  ) {}

  /** The machine moved: save now, or when the throttle allows. */
  changed(): void {
    this.dirty = true;
    this.schedule();
  }

  /**
   * Stops periodic saving and saves `snapshot` (the last word on this incarnation). A failure of
   * this save rejects: the actor's stop then reports that its state was not kept.
   */
  async finish(snapshot: unknown): Promise<void> {
    this.cancel();
    await this.inFlight;
    await this.store.save(snapshot);
  }

  /** Stops periodic saving without a final save (the machine never got going). */
  cancel(): void {
    this.finished = true;
    if (this.timer !== undefined) this.clock.clearTimeout(this.timer);
    this.timer = undefined;
  }

  private schedule(): void {
    if (!this.dirty || this.finished || this.timer !== undefined || this.inFlight !== undefined) return;
    const delay = saveDelay(this.clock.now(), this.lastSaveAt, this.everyMs);
    if (delay === 0) {
      this.saveNow();
      return;
    }
    this.timer = this.clock.setTimeout(() => {
      this.timer = undefined;
      this.schedule();
    }, delay);
  }

  private saveNow(): void {
    this.dirty = false;
    this.lastSaveAt = this.clock.now();
    // take() runs inside the promise so that a snapshot that cannot be persisted is logged, not thrown into xstate.
    this.inFlight = Promise.resolve()
      .then(() => this.store.save(this.take()))
      .catch((error: unknown) =>
        this.log.warn({ err: error }, "saving the machine snapshot failed; the next transition (or the stop) saves again"),
      )
      .finally(() => {
        this.inFlight = undefined;
        this.schedule();
      });
  }
}
