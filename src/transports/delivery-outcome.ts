import type { Envelope } from "./envelope.js";
import type { Delivery } from "./transport.js";

/**
 * How an acknowledged delivery reports its outcome without a promise per message: called exactly
 * once, with true when the message was dealt with for good (the transport acknowledges it), or
 * with false and the reason when it was not (it stays pending and comes back).
 */
export type DeliveryOutcome = (handled: boolean, error?: unknown) => void;

/** Delivers `envelope` and reports through `outcome`, possibly before it returns; never throws. */
export type OutcomeDelivery = (envelope: Envelope, outcome: DeliveryOutcome) => void;

/** Deliveries that also take an outcome callback, keyed by the plain Delivery a transport is given. */
const outcomeDeliveries = new WeakMap<Delivery, OutcomeDelivery>();

/**
 * Marks `deliver` as also reachable through `withOutcome`: an ack transport that finds it (see
 * {@link outcomeDeliveryOf}) settles each message through a callback instead of the promise
 * `deliver` would return, which is what a message costs most on a busy consumer. Returns `deliver`.
 */
export function withOutcomeDelivery(deliver: Delivery, withOutcome: OutcomeDelivery): Delivery {
  outcomeDeliveries.set(deliver, withOutcome);
  return deliver;
}

/** The callback form of `deliver`, when whoever made it offered one. */
export function outcomeDeliveryOf(deliver: Delivery): OutcomeDelivery | undefined {
  return outcomeDeliveries.get(deliver);
}
