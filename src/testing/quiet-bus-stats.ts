import type { BusStats } from "../transports/bus/bus.js";

/** Stats of a test bus that only counts what was published: every other counter is zero. */
export function quietBusStats(published: number): BusStats {
  return {
    published,
    delivered: 0,
    handlerErrors: 0,
    deadLettered: 0,
    rejectedByContract: 0,
    drops: {},
    mailboxDepths: {},
    outbox: { depth: 0, dropped: 0, replayed: 0 },
    transport: { kind: "custom:test", connected: true, published, delivered: 0, unrouted: 0, drops: {} },
  };
}
