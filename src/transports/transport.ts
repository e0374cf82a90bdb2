import type { Envelope } from "./envelope.js";
import type { TransportKind, TransportStats } from "./transport-stats.js";

/**
 * Called by a transport for every envelope that reaches one subscription. A returned promise
 * means "the handler is still working": transports with acknowledgements (redis) ack only once
 * it resolves, and leave the entry pending (for redelivery) when it rejects. Transports without
 * acks may ignore the result, except to apply back-pressure when a mailbox says `block`.
 */
export type Delivery = (envelope: Envelope) => void | Promise<void>;

/** What the Bus asks a transport to deliver. */
export interface TransportSubscriptionSpec {
  /** Validated topic pattern: dot segments, `*` one segment, `>` the rest. */
  pattern: string;
  /** Queue group: members with the same group share messages (one delivery per group). */
  group?: string;
  /** Stable name of the subscriber (actor id, CLI name); redis uses it as the consumer name. */
  subscriber: string;
  /** Remove server-side state (consumer group) when the subscription closes; see SubscribeOptions. */
  ephemeral?: boolean;
}

/** Handle for one transport-level subscription. */
export interface TransportSubscription {
  /** Stops delivery; resolves once no further delivery will start. */
  close(): Promise<void>;
}

/** The transport's declared guarantees, shown in the README and by `plexus doctor`. */
export interface TransportGuarantees {
  delivery: "at-most-once" | "at-least-once";
  /** Handlers must confirm delivery (Delivery's promise is awaited before acking). */
  acknowledgements: boolean;
  crossProcess: boolean;
  /** Queue groups span processes (redis consumer groups) or only this process. */
  groupsAcrossProcesses: boolean;
}

/** What a transport tells the Bus about, besides deliveries. Unreachable peers are reported by `connect` rejecting. */
export interface TransportEvents {
  /** Connection state changes, so the Bus can flush its outbox on reconnect. */
  onConnectionChange?(connected: boolean): void;
  /** Envelopes that could not be decoded or delivered, with the reason; the Bus dead-letters them. */
  onDeadLetter?(topic: string, reason: string, raw: unknown): void;
}

/** How a connect may be cut short. */
export interface TransportConnectOptions {
  /**
   * Aborting it makes a `connect` that is still waiting (for a peer, a route, a handshake) reject
   * with the signal's reason at once; the caller then closes the transport. Transports whose
   * connect cannot wait long may ignore it.
   */
  signal?: AbortSignal;
}

/**
 * Moves batches of envelopes. A transport knows nothing of actors, contracts or mailboxes; the Bus
 * adds those. Batches are the unit so that high rates cost one syscall or pipeline per batch.
 */
export interface Transport {
  /** `memory`, `zmq`, `redis`, or `custom:<name>` for a transport of your own. */
  readonly kind: TransportKind;
  readonly guarantees: TransportGuarantees;
  /**
   * How many `publish` batches the Bus may have in flight at once (absent: 1). Only a transport
   * that carries batches in the order `publish` was called (one connection, one queue) may say
   * more than 1: the Bus then keeps order without waiting for each batch.
   */
  readonly publishWindow?: number;
  /**
   * Opens connections/sockets. Rejects with a clear error when the peer is unreachable, or with
   * the reason of `options.signal` when it aborts first.
   */
  connect(events?: TransportEvents, options?: TransportConnectOptions): Promise<void>;
  /**
   * Sends a batch, preserving order. Resolves when the batch is handed over (written to the socket
   * queue, XADDed, or delivered in memory); rejects when it could not be, so the Bus can keep it
   * in the outbox. `encoded[i]`, when given, is `JSON.stringify(batch[i])` already made by the Bus
   * (it encodes each envelope once, at publish, to check its size): a transport that writes JSON
   * sends that text instead of encoding the envelope again.
   */
  publish(batch: readonly Envelope[], encoded?: readonly (string | undefined)[]): Promise<void>;
  /**
   * Optional synchronous fast path for in-process transports (memory): delivers one envelope to
   * every matching subscription before returning, with no batching, promise or copy. Returns the
   * Deliveries' promises combined when any of them applies back-pressure (mailbox `block`), and
   * throws when a Delivery refuses the message (mailbox `reject`). The Bus uses it instead of
   * `publish` when present.
   */
  publishLocal?(envelope: Envelope): void | Promise<void>;
  /**
   * Optional: whether any subscription currently matches `topic`. Only transports that know it
   * exactly (memory) implement it; `bus.request` then fails fast with NO_RESPONDERS.
   */
  hasSubscribers?(topic: string): boolean;
  /** Registers interest; resolves once the subscription is live (slow-joiner safe). */
  subscribe(spec: TransportSubscriptionSpec, deliver: Delivery): Promise<TransportSubscription>;
  /** Counters and gauges now; a custom transport reports `kind` as its own `custom:<name>`. */
  stats(): TransportStats;
  /** Closes every subscription and connection. Idempotent. */
  close(): Promise<void>;
}
