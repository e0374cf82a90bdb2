import type { Envelope } from "../../src/transports/envelope.js";
import { MemoryTransport } from "../../src/transports/memory/transport.js";
import type {
  Delivery,
  Transport,
  TransportEvents,
  TransportSubscription,
  TransportSubscriptionSpec,
} from "../../src/transports/transport.js";
import { busOpener, type ConformanceHarness } from "./conformance-harness.js";
import { describeTransportConformance } from "./transport-conformance.js";

/**
 * One bus's window onto a MemoryTransport shared by every bus of the harness, as the buses of one
 * process would share it. Closing the view closes only its own subscriptions, so closing one bus
 * leaves the others connected.
 */
class SharedMemoryView implements Transport {
  readonly kind = "memory";
  readonly guarantees;
  private readonly handles = new Set<TransportSubscription>();
  private closed = false;

  constructor(private readonly shared: MemoryTransport) {
    this.guarantees = shared.guarantees;
  }

  connect(events?: TransportEvents): Promise<void> {
    // The shared transport keeps one listener; the view reports its own connection directly.
    events?.onConnectionChange?.(true);
    return this.shared.connect();
  }

  publishLocal(envelope: Envelope): void | Promise<void> {
    return this.shared.publishLocal(envelope);
  }

  publish(batch: readonly Envelope[]): Promise<void> {
    return this.shared.publish(batch);
  }

  hasSubscribers(topic: string): boolean {
    return this.shared.hasSubscribers(topic);
  }

  async subscribe(spec: TransportSubscriptionSpec, deliver: Delivery): Promise<TransportSubscription> {
    const inner = await this.shared.subscribe(spec, deliver);
    const handle: TransportSubscription = {
      close: async () => {
        this.handles.delete(handle);
        await inner.close();
      },
    };
    this.handles.add(handle);
    return handle;
  }

  stats() {
    return this.shared.stats();
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.all([...this.handles].map((handle) => handle.close()));
  }
}

async function memoryHarness(): Promise<ConformanceHarness> {
  const shared = new MemoryTransport();
  const buses = busOpener(() => new SharedMemoryView(shared));
  return {
    openBus: buses.openBus,
    async cleanup() {
      await buses.closeAll();
      await shared.close();
    },
    features: {
      groupsAcrossBuses: true,
      restartPeer: { skip: "n/a for memory: there is no peer process or connection to lose" },
      groupResume: { skip: "n/a for memory: groups live only as long as their subscriptions; nothing is stored to resume from" },
      incomingContracts: { skip: "n/a for memory: every message comes through a publish-side contract check in this process" },
    },
  };
}

describeTransportConformance("memory", memoryHarness);
