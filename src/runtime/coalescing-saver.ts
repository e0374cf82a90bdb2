import type { Logger } from "../common/logger.js";
import type { ActorStateStore } from "./actor-context.js";

/** Saves an actor's state after changes, coalesced; see {@link coalescingSaver}. */
export interface CoalescingSaver {
  /** Marks the state changed; a save starts unless one is running (which then saves again). */
  request(): void;
  /** Waits for the running save, then retries one that failed; resolves at once when nothing changed. */
  flush(): Promise<void>;
}

/**
 * Saves `value()` to `state` after changes without a write per change: one save runs at a time and
 * the changes made meanwhile go into the next one. Each save is atomic (the state store's temp
 * file and rename), so a crash keeps the last whole value. A failed save is logged with `what` and
 * tried again on the next change or on `flush`; nothing changed means nothing is written, so an
 * actor that saw no change leaves no state file behind.
 */
export function coalescingSaver(state: ActorStateStore, log: Logger, what: string, value: () => unknown): CoalescingSaver {
  let running: Promise<void> | undefined;
  let dirty = false;
  const run = async (): Promise<void> => {
    while (dirty) {
      dirty = false;
      try {
        await state.save(value());
      } catch (error) {
        dirty = true;
        log.warn({ err: error }, `${what} not saved; trying again on the next change or on stop`);
        break;
      }
    }
    running = undefined;
  };
  return {
    request() {
      dirty = true;
      running ??= run();
    },
    async flush() {
      while (running !== undefined) await running;
      if (dirty) {
        running = run();
        await running;
      }
    },
  };
}
