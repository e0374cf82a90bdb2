import type { Bus } from "../transports/bus/bus.js";
import type { Transport } from "../transports/transport.js";
import type { AnyActorDefinition } from "./define-actor.js";
import type { ChildConfig } from "./supervision/child-config.js";
import type { PlexusConfig, ResolvedConfig } from "./config/plexus-config.js";
import type { ActorTreeNode, LifecycleEvent } from "./lifecycle-types.js";
import { type Logger } from "../common/logger.js";
import { Metrics } from "../common/metrics.js";

/** Options of {@link createRuntime}. */
export interface RuntimeOptions {
  /**
   * Path of a YAML/JSON config file, or an object of the same shape. An object config runs the
   * ops server only when it has a `runtime.ops` section (several runtimes can share a process); a
   * file runs it unless `runtime.ops.enabled` is false.
   */
  config: string | PlexusConfig;
  /** Actor kinds in addition to the built-in ones (`heartbeat`, `proxy`); one with a built-in's name replaces it. */
  kinds?: AnyActorDefinition[];
  /** Logger to use; default: pino to stderr at the config's level. */
  logger?: Logger;
  /** Environment for `${VAR}` interpolation; default `process.env`. */
  env?: NodeJS.ProcessEnv;
  /**
   * A transport to use instead of the one the config's `transport` section describes: an
   * instance, or a function that builds one once the config is loaded. Either way the runtime
   * connects it and closes it when it stops (or fails to start), as it does its own.
   */
  transport?: Transport | ((context: CustomTransportContext) => Transport | Promise<Transport>);
}

/** What a {@link RuntimeOptions.transport} factory gets. */
export interface CustomTransportContext {
  /** The loaded config (its `transport` section is not used). */
  config: ResolvedConfig;
  /** The runtime's logger, bound to `component: "transport"`. */
  log: Logger;
  /** The runtime's name: the default `envelope.source` and the name in consumer names. */
  source: string;
}

/** Where a runtime is in its life: `idle` until `start()`, `failed` when its root supervisor gave up. */
export type RuntimeState = "idle" | "starting" | "running" | "stopping" | "stopped" | "failed";

/** A running (or startable) plexus runtime. Never calls `process.exit`, installs no signal handlers. */
export interface Runtime {
  /** `runtime.name` from the config (available after `start()`). */
  readonly name: string;
  /** The message bus; available once `start()` has resolved. */
  readonly bus: Bus;
  readonly metrics: Metrics;
  readonly log: Logger;
  readonly state: RuntimeState;
  /** The loaded, normalised config; available once `start()` has resolved. */
  readonly config: ResolvedConfig;
  /** Where the ops server listens, once started (undefined when `runtime.ops.enabled` is false). */
  readonly opsAddress: { host: string; port: number; url: string } | undefined;
  /** Resolves when the runtime stopped; `reason` is set when the root supervisor failed. */
  readonly done: Promise<{ reason?: Error }>;
  /**
   * Loads the config, connects the transport, starts the ops server and the supervision tree in
   * order.
   * @throws PlexusError `START_CANCELLED` when `stop()` was called before it finished (it rejects
   *   once what it had opened is closed).
   */
  start(): Promise<void>;
  /**
   * Stops the tree in reverse start order (each child within its `shutdown`), then the ops
   * server, flushes the outbox (within `bus.outbox.flushTimeout`) and closes the transport.
   * Called during `start()`, it cancels the start at whatever stage it is and resolves once
   * everything the start opened is closed. Idempotent.
   */
  stop(): Promise<void>;
  /** The live supervision tree. */
  tree(): ActorTreeNode;
  /** Subscribes to lifecycle events; returns a function that unsubscribes. */
  on(event: "lifecycle", listener: (event: LifecycleEvent) => void): () => void;
  /**
   * Starts a child under the supervisor at `supervisorPath` (e.g. `root`). `spec` is written as a
   * config file's `children[]` entry (`{ id, kind, restart?, shutdown?: "5s", options? }`, or a
   * nested supervisor) and gets the same defaults and checks, kind options included.
   * @throws ConfigError (code `CONFIG_INVALID`) naming each bad key of `spec`.
   */
  startChild(supervisorPath: string, spec: ChildConfig): Promise<void>;
  /** Stops and removes a child. */
  stopChild(supervisorPath: string, id: string): Promise<void>;
}
