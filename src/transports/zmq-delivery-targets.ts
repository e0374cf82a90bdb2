import type { Envelope } from "./envelope.js";
import type { Delivery } from "./transport.js";

/** Where the zmq receive loop hands an envelope: one subscription, or a queue group of them. */
export interface DeliveryTarget {
  deliver(envelope: Envelope): void | Promise<void>;
}

/**
 * Members of one queue group on one pattern, in this process, taking turns (round-robin): one
 * delivery per message per group. ZeroMQ pub/sub has no cross-process groups, so two processes
 * subscribing with the same group each receive every message (`groupsAcrossProcesses: false`).
 */
export class GroupDeliveryTarget implements DeliveryTarget {
  readonly members: Delivery[] = [];
  private next = 0;

  deliver(envelope: Envelope): void | Promise<void> {
    const count = this.members.length;
    if (count === 0) return undefined;
    if (this.next >= count) this.next = 0;
    const member = this.members[this.next] as Delivery;
    this.next++;
    return member(envelope);
  }
}
