import type { Envelope } from "./envelope.js";
import { SubscriptionIndex } from "./subscription-index.js";
import type { Delivery } from "./transport.js";

/** Where a transport hands an envelope in this process: one subscription, or a queue group of them. */
export interface DeliveryTarget {
  deliver(envelope: Envelope): void | Promise<void>;
}

/**
 * Members of one queue group on one pattern, in this process, taking turns (round-robin): one
 * delivery per message per group.
 */
class GroupDeliveryTarget implements DeliveryTarget {
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

/**
 * The subscriptions of one process, by pattern: the memory transport delivers from it directly,
 * the zmq transport after its prefix filter. Queue groups are keyed by (pattern, group): members
 * subscribed with the same group and the same pattern share that pattern's messages.
 */
export class LocalRoutes {
  private readonly index = new SubscriptionIndex<DeliveryTarget>();
  private readonly groups = new Map<string, GroupDeliveryTarget>();

  /** Targets whose pattern matches `topic`. */
  match(topic: string): DeliveryTarget[] {
    return this.index.match(topic);
  }

  /** Patterns with at least one target (groups count once). */
  get size(): number {
    return this.index.size;
  }

  get groupCount(): number {
    return this.groups.size;
  }

  get cacheEvictions(): number {
    return this.index.cacheEvictions;
  }

  /** Adds a delivery for `pattern` (shared round-robin within `group`); returns its idempotent removal. */
  attach(pattern: string, group: string | undefined, deliver: Delivery): () => void {
    let attached = true;
    if (group === undefined) {
      const target: DeliveryTarget = { deliver };
      this.index.add(pattern, target);
      return () => {
        if (!attached) return;
        attached = false;
        this.index.remove(pattern, target);
      };
    }
    const key = `${pattern}#${group}`;
    let target = this.groups.get(key);
    if (target === undefined) {
      target = new GroupDeliveryTarget();
      this.groups.set(key, target);
      this.index.add(pattern, target);
    }
    const groupTarget = target;
    groupTarget.members.push(deliver);
    return () => {
      if (!attached) return;
      attached = false;
      const at = groupTarget.members.indexOf(deliver);
      if (at >= 0) groupTarget.members.splice(at, 1);
      if (groupTarget.members.length === 0 && this.groups.get(key) === groupTarget) {
        this.groups.delete(key);
        this.index.remove(pattern, groupTarget);
      }
    };
  }
}
