/** How the proxy forwards: in libzmq's own loop, or in JavaScript so that every message is counted. */
export type ProxyMode = "native" | "counting";

export interface ForwarderOptions {
  /** Endpoint publishers connect to (bound by an XSUB socket). */
  xsub: string;
  /** Endpoint subscribers connect to (bound by an XPUB socket). */
  xpub: string;
  /**
   * true: when a subscriber's queue is full the proxy waits (lossless, but one slow subscriber
   * slows everyone). false (default): libzmq drops for that subscriber only, as a plain proxy does.
   */
  noDrop?: boolean;
  /** Per-peer high-water marks (messages). Default 10,000 each. */
  sendHighWaterMark?: number;
  receiveHighWaterMark?: number;
}

/** Peers connected right now, from the sockets' monitor events (accepted minus disconnected). */
export interface ProxyConnections {
  /** Peers connected to the xsub endpoint (publishers). */
  publishers: number;
  /** Peers connected to the xpub endpoint (subscribers). */
  subscribers: number;
}

/** What both modes count. */
interface CommonStats {
  xsub: string;
  xpub: string;
  connections: ProxyConnections;
  /** Subscribe / unsubscribe requests forwarded subscribers → publishers (unique per topic, as libzmq forwards them). */
  subscriptions: number;
  unsubscriptions: number;
}

/** Counters of a native-mode proxy: messages pass through libzmq unseen, so they are not counted. */
export interface NativeStats extends CommonStats {
  mode: "native";
  /** Counters this mode cannot keep, named so that a reader does not take their absence for zero. */
  uncounted: readonly ["messages", "bytes"];
}

/** Counters of a counting-mode proxy. */
export interface CountingStats extends CommonStats {
  mode: "counting";
  /** Messages forwarded publisher → subscribers, and their bytes (all frames). */
  messages: number;
  bytes: number;
  /** Times the XPUB socket was full (noDrop) and forwarding paused. */
  fullPauses: number;
}

export type ProxyStats = NativeStats | CountingStats;

/** A bound XSUB/XPUB proxy, whichever mode forwards. */
export interface ProxyForwarder {
  readonly stats: ProxyStats;
  /** The bound endpoints (with the real port when the config asked for `:*`). */
  readonly endpoints: { xsub: string; xpub: string };
  /**
   * Resolves when forwarding ends after `stop()`; rejects if forwarding ended any other way (the
   * actor then fails and its supervisor restarts it).
   */
  readonly done: Promise<void>;
  /** Stops forwarding and resolves once both ports are free again, so a restart can rebind at once. Idempotent. */
  stop(): Promise<void>;
}
