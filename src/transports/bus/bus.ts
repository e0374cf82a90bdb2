import type { Envelope } from "../envelope.js";
import type { TransportStats } from "../transport-stats.js";
import type { ClaimCheckStats } from "./claim-check/claim-check.js";

/** What a full mailbox does with the next message. */
export type OverflowPolicy = "block" | "drop-oldest" | "drop-newest" | "reject";

/** Bound of one subscription's mailbox. */
export interface MailboxOptions {
  /** Messages queued (not yet handed to the handler) before `overflow` applies. Default 10,000. */
  capacity?: number;
  /** Default `drop-oldest`; `block` back-pressures the publisher; `reject` fails the publish. */
  overflow?: OverflowPolicy;
  /**
   * Subscriptions of actors only: how often the message being handled when the actor failed is
   * handed to its next incarnation before it is dead-lettered (reason `crashed`). Default
   * `bus.mailbox.crashRetries` (2).
   */
  crashRetries?: number;
}

/** Options of `bus.publish`. */
export interface PublishOptions {
  headers?: Record<string, string>;
  /** Overrides the publisher name recorded in `envelope.source`. */
  source?: string;
  /**
   * On a bus with `claimCheck.enabled`: store the payload and send a reference whatever its size
   * (the memory transport measures only strings and Buffers; this covers large objects there).
   */
  claimCheck?: boolean;
}

/** Options of `bus.subscribe`. */
export interface SubscribeOptions {
  /** Queue group: subscribers with the same group share messages (one delivery per group). */
  group?: string;
  /** Handlers running at once for this subscription. Default 1 (in order). */
  concurrency?: number;
  mailbox?: MailboxOptions;
  /** Name of the subscriber (actor id by default); the redis consumer name. */
  subscriber?: string;
  /**
   * An observer that leaves nothing behind: server-side state (a redis consumer group) is created
   * for this subscription alone, starts at new messages, and is removed when it closes. For
   * `plexus sub`, SSE clients and other watchers; actors want the default (durable: a restarted
   * actor resumes where its group left off).
   */
  ephemeral?: boolean;
}

/** Options of `bus.request`. */
export interface RequestOptions {
  timeoutMs?: number;
  headers?: Record<string, string>;
}

/**
 * A subscription handler. When the envelope carries a `replyTo` header (a `bus.request`), the
 * handler's resolved value is published back as the reply.
 */
export type Handler<P = unknown> = (envelope: Envelope<P>) => unknown;

/** A live subscription, as `bus.subscribe` returns it. */
export interface Subscription {
  readonly pattern: string;
  readonly group?: string;
  /** Stops delivery and drains nothing further. Idempotent. */
  unsubscribe(): Promise<void>;
}

/** Counters of the Bus, by topic where that is useful. Exposed in /metrics. */
export interface BusStats {
  published: number;
  delivered: number;
  handlerErrors: number;
  deadLettered: number;
  rejectedByContract: number;
  /** Mailbox drops by reason (`drop-oldest`, `drop-newest`, `reject`). */
  drops: Record<string, number>;
  /** Current mailbox depths by subscription label `pattern[#group]@subscriber`. */
  mailboxDepths: Record<string, number>;
  outbox: { depth: number; dropped: number; replayed: number };
  transport: TransportStats;
  /** Present when `bus.claimCheck.enabled`. */
  claimCheck?: ClaimCheckStats;
}

/** The message bus actors and embedders use. */
export interface Bus {
  publish<P>(topic: string, payload: P, options?: PublishOptions): Promise<Envelope<P>>;
  subscribe<P = unknown>(pattern: string, handler: Handler<P>, options?: SubscribeOptions): Promise<Subscription>;
  request<R = unknown, P = unknown>(topic: string, payload: P, options?: RequestOptions): Promise<R>;
  stats(): BusStats;
}

/** Prefix of dead-letter topics: `_dead.<original topic>`. */
export const DEAD_LETTER_PREFIX = "_dead";
