/** Transport sections of a config, normalised: durations in milliseconds, defaults filled in. */

export interface ResolvedMemoryTransportConfig {
  kind: "memory";
}

export interface ResolvedZmqTransportConfig {
  kind: "zmq";
  xsub: string;
  xpub: string;
  noDrop: boolean;
  sendHighWaterMark: number;
  receiveHighWaterMark: number;
  /**
   * plexus-only wire optimisation: runs of envelopes on one topic travel as one zmq message.
   * Foreign pyzmq subscribers do not receive those; leave it off when they consume what you publish.
   */
  batchFrames?: boolean;
  /** How long connecting waits for a first route through the proxy before going on (publishes wait in the outbox). */
  connectWaitMs?: number;
}

export interface ResolvedRedisTransportConfig {
  kind: "redis";
  url: string;
  prefix: string;
  layout: "events" | "per-topic";
  maxLen: number;
  claimIdleMs: number;
  maxDeliveries: number;
  blockMs: number;
  batch: number;
  dedupeWindow: number;
  /**
   * Most envelopes written per stream entry (runs on one topic); 1 (the default) writes one plain
   * entry per envelope, the ORION-compatible form. Above 1 is for plexus peers only: foreign
   * readers see packed entries (`topic`, `envelopes` JSON array). Consumers read both forms.
   */
  pack?: number;
}

/** The `transport` section, normalised, by kind. */
export type ResolvedTransportConfig = ResolvedMemoryTransportConfig | ResolvedZmqTransportConfig | ResolvedRedisTransportConfig;
