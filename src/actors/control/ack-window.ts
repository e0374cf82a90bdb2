import type { LifecycleAck } from "./lifecycle-ack.js";

/**
 * The acks of the last `capacity` commands by commandId, so a repeat is answered with its original
 * ack instead of being judged again. Oldest first out: a repeat that comes after its command has
 * left the window is judged as a new command (counted as `forgotten` when it was accepted before,
 * since the entity then usually rejects it).
 */
export class AckWindow {
  private readonly acks = new Map<string, LifecycleAck>();
  /** Acks pushed out to stay within capacity since the controller started. */
  evicted = 0;

  constructor(readonly capacity: number) {}

  get size(): number {
    return this.acks.size;
  }

  get(commandId: string): LifecycleAck | undefined {
    return this.acks.get(commandId);
  }

  /** Remembers `ack`, forgetting the oldest beyond capacity. */
  remember(ack: LifecycleAck): void {
    this.acks.delete(ack.commandId);
    this.acks.set(ack.commandId, ack);
    while (this.acks.size > this.capacity) {
      const oldest = this.acks.keys().next().value as string;
      this.acks.delete(oldest);
      this.evicted++;
    }
  }

  /** Oldest first, for the snapshot. */
  snapshot(): LifecycleAck[] {
    return [...this.acks.values()];
  }
}
