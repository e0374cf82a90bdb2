import type { AnyActorRef, EventObject } from "xstate";
import type { Bus, SubscribeOptions, Subscription } from "../../transports/bus/bus.js";
import type { Envelope } from "../../transports/envelope.js";
import type { BusEventMappers } from "../define-actor.js";
import type { Logger } from "../../common/logger.js";
import { ThrottledLog } from "../../common/throttled-log.js";

/**
 * What became of one bus message: `delivered` to the actor, `ignored` (its mapper returned
 * undefined), or `unaccepted` (the actor is not running, or its machine cannot take the event in
 * its current state, so sending it would have done nothing).
 */
export type ForwardOutcome = "delivered" | "ignored" | "unaccepted";

/** Options of {@link forwardBusEvents}. */
export interface ForwardBusEventsOptions {
  /** Where unaccepted events are logged, at warn, throttled per pattern and event type. */
  log: Logger;
  /** Called once per message with its outcome, e.g. to count it in metrics. */
  onOutcome?(outcome: ForwardOutcome, pattern: string, envelope: Envelope): void;
  /** Options of every subscription (a queue group, concurrency). */
  subscribe?: SubscribeOptions;
}

/** Live forwarding from bus subscriptions to an actor. */
export interface BusEventForwarding {
  /** Messages by outcome since forwarding began. */
  readonly counts: Readonly<Record<ForwardOutcome, number>>;
  /** Closes every subscription; no message is forwarded after it resolves. Idempotent. */
  close(): Promise<void>;
}

/**
 * Subscribes `bus` to each pattern of `mappers` and sends each mapped message to `target` as an
 * event. Machine kinds get this from their `events` field; a start-form kind that runs its own
 * xstate actor calls it with `ctx.bus`, so its subscriptions belong to the actor's slot: a
 * restarted actor that forwards the same patterns takes them over with what arrived meanwhile.
 *
 * A mapper that throws makes the delivery fail as any handler failure does (counted by the Bus,
 * redelivered or dead-lettered by transports that acknowledge). Resolves once every subscription
 * is open; if one cannot be opened, those already open are closed and the error is rethrown.
 */
export async function forwardBusEvents(
  bus: Bus,
  target: AnyActorRef,
  mappers: BusEventMappers,
  options: ForwardBusEventsOptions,
): Promise<BusEventForwarding> {
  const counts: Record<ForwardOutcome, number> = { delivered: 0, ignored: 0, unaccepted: 0 };
  const warnings = new ThrottledLog(options.log);
  const subscriptions: Subscription[] = [];
  const close = async (): Promise<void> => {
    await Promise.allSettled(subscriptions.map((subscription) => subscription.unsubscribe()));
  };
  try {
    for (const [pattern, mapper] of Object.entries(mappers)) {
      const subscription = await bus.subscribe(
        pattern,
        (envelope) => {
          const event = mapper(envelope);
          const outcome = event === undefined ? "ignored" : sendIfAccepted(target, event);
          counts[outcome] += 1;
          if (outcome === "unaccepted") {
            warnings.warn(
              `${pattern} ${event!.type}`,
              { pattern, topic: envelope.topic, event: event!.type, envelopeId: envelope.id },
              `bus message mapped to event ${event!.type} was not sent: the machine cannot take it in its current state (or is not running)`,
            );
          }
          options.onOutcome?.(outcome, pattern, envelope);
        },
        options.subscribe,
      );
      subscriptions.push(subscription);
    }
  } catch (error) {
    await close();
    throw error;
  }
  return { counts, close };
}

/** Sends `event` when the actor can take it; xstate would otherwise drop it without a word. */
function sendIfAccepted(target: AnyActorRef, event: EventObject): ForwardOutcome {
  const snapshot = target.getSnapshot() as { status?: string; can?: (event: EventObject) => boolean };
  if (snapshot.status !== "active") return "unaccepted";
  if (typeof snapshot.can === "function" && !snapshot.can(event)) return "unaccepted";
  target.send(event);
  return "delivered";
}
