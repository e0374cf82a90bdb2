import { PlexusError } from "../../common/errors.js";
import type { Envelope } from "../envelope.js";
import { LocalRoutes, type DeliveryTarget } from "../local-routes.js";
import type {
  Delivery,
  Transport,
  TransportEvents,
  TransportGuarantees,
  TransportSubscription,
  TransportSubscriptionSpec,
} from "../transport.js";
import type { MemoryTransportStats } from "../transport-stats.js";

/**
 * The in-process transport and the embedded default.
 *
 * Guarantees: at-most-once, no acknowledgements, this process only. Envelopes are handed to
 * subscribers by reference, without serialisation or copies: handlers must treat them as
 * read-only. Queue groups are keyed by (pattern, group): members subscribed with the same group
 * and the same pattern share that pattern's messages round-robin.
 */
export class MemoryTransport implements Transport {
  readonly kind = "memory";
  readonly guarantees: TransportGuarantees = {
    delivery: "at-most-once",
    acknowledgements: false,
    crossProcess: false,
    groupsAcrossProcesses: false,
  };
  private routes = new LocalRoutes();
  private connected = false;
  private closed = false;
  private published = 0;
  private delivered = 0;
  private unrouted = 0;
  private events: TransportEvents | undefined;

  async connect(events?: TransportEvents): Promise<void> {
    if (this.closed) throw closedError();
    this.events = events;
    if (this.connected) return;
    this.connected = true;
    this.events?.onConnectionChange?.(true);
  }

  publishLocal(envelope: Envelope): void | Promise<void> {
    if (this.closed) throw closedError();
    this.published++;
    const targets = this.routes.match(envelope.topic);
    const count = targets.length;
    if (count === 0) {
      this.unrouted++;
      return undefined;
    }
    this.delivered += count;
    if (count === 1) return (targets[0] as DeliveryTarget).deliver(envelope);
    // Every target gets the envelope even when one refuses it; the first refusal is reported after.
    let pending: Array<void | Promise<void>> | undefined;
    let refusal: unknown;
    let refused = false;
    for (let i = 0; i < count; i++) {
      try {
        const result = (targets[i] as DeliveryTarget).deliver(envelope);
        if (result !== undefined) (pending ??= []).push(result);
      } catch (error) {
        if (!refused) {
          refused = true;
          refusal = error;
        }
      }
    }
    if (pending === undefined) {
      if (refused) throw refusal;
      return undefined;
    }
    return Promise.all(pending).then(() => {
      if (refused) throw refusal;
    });
  }

  async publish(batch: readonly Envelope[]): Promise<void> {
    const pending: Array<Promise<void>> = [];
    for (const envelope of batch) {
      const result = this.publishLocal(envelope);
      if (result !== undefined) pending.push(result);
    }
    if (pending.length > 0) await Promise.all(pending);
  }

  hasSubscribers(topic: string): boolean {
    return this.routes.match(topic).length > 0;
  }

  async subscribe(spec: TransportSubscriptionSpec, deliver: Delivery): Promise<TransportSubscription> {
    if (this.closed) throw closedError();
    const detach = this.routes.attach(spec.pattern, spec.group, deliver);
    return { close: async () => detach() };
  }

  stats(): MemoryTransportStats {
    return {
      kind: this.kind,
      connected: this.connected,
      published: this.published,
      delivered: this.delivered,
      unrouted: this.unrouted,
      drops: {},
      details: { subscriptions: this.routes.size, groups: this.routes.groupCount, matchCacheEvictions: this.routes.cacheEvictions },
    };
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const wasConnected = this.connected;
    this.connected = false;
    // Drop every subscription so that nothing is delivered (or retained) after close.
    this.routes = new LocalRoutes();
    if (wasConnected) this.events?.onConnectionChange?.(false);
  }
}

function closedError(): PlexusError {
  return new PlexusError("TRANSPORT_CLOSED", "The memory transport is closed; create a new runtime (or bus) to publish again.");
}
