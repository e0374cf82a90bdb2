import type { Bus } from "../transports/bus/bus.js";
import type { Logger } from "../common/logger.js";
import type { Metrics } from "../common/metrics.js";
import type { Clock } from "../common/clock.js";

/** Persisted state of one actor: atomic JSON snapshots under the runtime's stateDir. */
export interface ActorStateStore {
  /** The last saved value, or undefined (first start, or a corrupt snapshot that was moved aside). */
  load<T = unknown>(): Promise<T | undefined>;
  /** Writes atomically (temp file, fsync, rename) with a checksum. */
  save(value: unknown): Promise<void>;
}

/** A response from a route an actor mounts on the ops server. */
export interface OpsResponse {
  status?: number;
  body: unknown;
  headers?: Record<string, string>;
}

/** A request to a route an actor mounted on the ops server. */
export interface OpsRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  body: unknown;
}

/** Lets actors mount routes on the runtime's ops server (the proxy actor serves `/proxy/<id>`). */
export interface OpsRoutes {
  /** Mounts `handler` at `method path`; returns a function that removes it (called on stop). */
  route(
    method: "GET" | "POST" | "PUT" | "DELETE",
    path: string,
    handler: (request: OpsRequest) => OpsResponse | Promise<OpsResponse>,
  ): () => void;
  /**
   * Reports this actor's own status (counters, queue depths, what it is working on) as its
   * `status` in `GET /health`; `provider` is called on each request and must be cheap. Returns a
   * function that removes it; the runtime removes it when the incarnation stops.
   */
  status(provider: () => ActorStatus): () => void;
}

/**
 * Where the runtime keeps data, for actors that keep more than a snapshot (the lifecycle
 * controller's append-only event log): under the state directory, or in the Redis the bus uses.
 */
export interface ActorStorage {
  /** The runtime's `stateDir`, absolute; name files after the actor's path so actors never share one. */
  stateDir: string;
  /** The bus's transport: `custom` when the embedder supplied one. A redis transport gives its url and key prefix. */
  transport: { kind: "memory" | "zmq" | "redis" | "custom"; url?: string; prefix?: string };
}

/** What an actor reports about itself in `/health`: any JSON object of its choosing. */
export type ActorStatus = Record<string, unknown>;

/**
 * What an actor receives when it starts. `O` is the type of its options: inferred from the
 * kind's options schema by `defineActor`.
 */
export interface ActorContext<O = Record<string, unknown>> {
  /** The child id from the config. */
  id: string;
  /** Path from the root, e.g. `root/group-a/ticker`. */
  path: string;
  /** Name of the hosting runtime (`runtime.name` in the config). */
  runtimeName?: string;
  /** Options, validated against the kind's schema, with the schema's defaults applied. */
  options: O;
  /**
   * The Bus as this actor sees it: publishes carry its id as `source`. Its subscriptions belong to
   * the child's slot, not to this incarnation: after a restart, subscribing the same pattern,
   * group and options takes over the subscription with what arrived meanwhile; they close when
   * the child is removed for good.
   */
  bus: Bus;
  log: Logger;
  /**
   * This actor's persisted state. A machine kind with `persist` set leaves it to the hosted
   * lifecycle, which keeps the machine's snapshot there.
   */
  state: ActorStateStore;
  /** Where the runtime keeps data beyond `state`; absent in contexts built without a runtime (tests may supply it). */
  storage?: ActorStorage;
  metrics: Metrics;
  /** Aborted when the actor is asked to stop; pass it to fetch, timers, streams. */
  signal: AbortSignal;
  ops: OpsRoutes;
  /** Time and timers: the system clock in the runtime, a simulated one in tests (`plexus/testing`). */
  clock: Clock;
  /** Fails the actor with `error`; its supervisor decides what happens next. */
  fail(error: unknown): void;
}
