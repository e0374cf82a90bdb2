import type { Logger } from "../common/logger.js";
import type { Bus } from "../transports/bus/bus.js";
import { SlotBus } from "./slot-bus.js";

/**
 * The bus slots of a supervision tree's workers, by path: what a child keeps across its
 * incarnations (see SlotBus). A slot is made by the first incarnation of a child, handed to every
 * later one, and closed when the child leaves its supervisor for good.
 */
export class ActorSlots {
  private readonly slots = new Map<string, SlotBus>();
  /** Slots of removed children still closing (their held messages being dead-lettered or handed back). */
  private readonly closing = new Set<Promise<void>>();

  /**
   * @param bus the tree's bus.
   * @param crashRetries `bus.mailbox.crashRetries`: hand-overs of a message that was in its handler when its actor failed.
   */
  constructor(
    private readonly bus: Bus,
    private readonly crashRetries: number,
    private readonly log: Logger,
  ) {}

  /** The `ctx.bus` of a new incarnation (aborted by `signal`) of the worker `id` at `path`. */
  incarnation(path: string, id: string, signal: AbortSignal): Bus {
    let slot = this.slots.get(path);
    if (slot === undefined) {
      slot = new SlotBus(this.bus, id, this.crashRetries);
      this.slots.set(path, slot);
    }
    return slot.incarnation(signal);
  }

  /** The worker at `path` runs: it has re-opened the subscriptions it wants; the rest of its slot goes. */
  running(path: string): void {
    void this.slots.get(path)?.dropUnclaimed();
  }

  /** The worker at `path` left its supervisor for good: its slot closes, dead-lettering what it held. */
  remove(path: string): void {
    const slot = this.slots.get(path);
    if (slot === undefined) return;
    this.slots.delete(path);
    const closing: Promise<void> = slot
      .close()
      .catch((error: unknown) => this.log.error({ actor: path, err: error }, "closing the bus slot of a removed actor failed"))
      .finally(() => this.closing.delete(closing));
    this.closing.add(closing);
  }

  /** Closes every slot (also of workers a stopped tree did not report) and waits for all that are closing. */
  async closeAll(): Promise<void> {
    for (const path of [...this.slots.keys()]) this.remove(path);
    await Promise.allSettled([...this.closing]);
  }
}
