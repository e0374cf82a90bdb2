/** Normalised configuration: durations are milliseconds, defaults are filled in. */

export type RestartType = "permanent" | "transient" | "temporary";
export type Strategy = "one_for_one" | "one_for_all" | "rest_for_one";

export interface BackoffSpec {
  minMs: number;
  maxMs: number;
  /** 0..1: each delay is multiplied by a random factor in [1 - jitter, 1 + jitter]. */
  jitter: number;
}

export interface SupervisorSpec {
  strategy: Strategy;
  /** Restarts allowed within `periodMs` before the supervisor gives up and escalates. */
  intensity: number;
  periodMs: number;
  backoff: BackoffSpec;
  /** A child running this long without failing resets its backoff. Default = periodMs. */
  stableMs: number;
}

export interface WorkerChildSpec {
  id: string;
  kind: string;
  restart: RestartType;
  shutdownMs: number;
  options: Record<string, unknown>;
}

export interface SupervisorChildSpec {
  id: string;
  supervisor: SupervisorSpec;
  children: ChildSpec[];
  restart: RestartType;
  shutdownMs: number;
}

export type ChildSpec = WorkerChildSpec | SupervisorChildSpec;

export function isSupervisorSpec(spec: ChildSpec): spec is SupervisorChildSpec {
  return "supervisor" in spec;
}

export interface OpsConfig {
  /** Default 127.0.0.1. */
  host: string;
  /** 0 = ephemeral (the bound port is logged); `false`-y `enabled` turns the server off. */
  port: number;
  enabled: boolean;
  /** Bearer token required for POST from beyond loopback. */
  token?: string;
  /** Largest accepted request body. Default 1 MiB. */
  maxBodyBytes: number;
}

export interface RuntimeSection {
  name: string;
  ops: OpsConfig;
  stateDir: string;
  log: { level: string };
}

export interface MemoryTransportConfig {
  kind: "memory";
}

export interface ZmqTransportConfig {
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

export interface RedisTransportConfig {
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

export type TransportConfig = MemoryTransportConfig | ZmqTransportConfig | RedisTransportConfig;

export type ContractMode = "enforce" | "warn" | "off";

export interface ContractsConfig {
  /** Absolute path of the directory of JSON Schema files. */
  dir: string;
  mode: ContractMode;
}

export interface BusConfig {
  mailbox: { capacity: number; overflow: "block" | "drop-oldest" | "drop-newest" | "reject" };
  outbox: { capacity: number; overflow: "drop-oldest" | "drop-newest" | "reject" };
  maxPayloadBytes: number;
}

export interface PlexusConfig {
  runtime: RuntimeSection;
  transport: TransportConfig;
  supervisor: SupervisorSpec;
  children: ChildSpec[];
  contracts?: ContractsConfig;
  bus: BusConfig;
  /** Absolute path of the file this came from, when it came from a file. */
  source?: string;
}
