import type { Envelope } from "../../src/transports/envelope.js";
import { patternMatches } from "../../src/transports/topics.js";
import type {
  Delivery,
  Transport,
  TransportEvents,
  TransportSubscription,
  TransportSubscriptionSpec,
} from "../../src/transports/transport.js";
import type { CustomTransportStats } from "../../src/transports/transport-stats.js";

/**
 * A cross-process-looking transport the tests control: it records every batch, can be told to
 * fail (as if the peer were gone) and to report reconnects, and can inject "foreign" envelopes.
 */
export class FakeNetworkTransport implements Transport {
  readonly kind = "custom:fake";
  readonly guarantees;
  readonly batches: Envelope[][] = [];
  failing = false;
  events: TransportEvents | undefined;
  private readonly subscriptions: Array<{ pattern: string; deliver: Delivery }> = [];

  constructor(acknowledgements = false) {
    this.guarantees = {
      delivery: acknowledgements ? "at-least-once" : "at-most-once",
      acknowledgements,
      crossProcess: true,
      groupsAcrossProcesses: true,
    } as const;
  }

  get sent(): Envelope[] {
    return this.batches.flat();
  }

  async connect(events?: TransportEvents): Promise<void> {
    this.events = events;
  }

  async publish(batch: readonly Envelope[]): Promise<void> {
    await Promise.resolve();
    if (this.failing) throw new Error("peer unreachable (fake)");
    this.batches.push([...batch]);
  }

  /** Delivers as if `envelope` arrived from another process; returns the Deliveries' results. */
  inject(envelope: Envelope): Array<void | Promise<void>> {
    return this.subscriptions.filter((s) => patternMatches(s.pattern, envelope.topic)).map((s) => s.deliver(envelope));
  }

  reconnect(): void {
    this.failing = false;
    this.events?.onConnectionChange?.(true);
  }

  async subscribe(spec: TransportSubscriptionSpec, deliver: Delivery): Promise<TransportSubscription> {
    const entry = { pattern: spec.pattern, deliver };
    this.subscriptions.push(entry);
    return { close: async () => void this.subscriptions.splice(this.subscriptions.indexOf(entry), 1) };
  }

  stats(): CustomTransportStats {
    return { kind: this.kind, connected: !this.failing, published: this.sent.length, delivered: 0, unrouted: 0, drops: {} };
  }

  async close(): Promise<void> {}
}
