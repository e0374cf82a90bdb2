import { EventEmitter } from "node:events";
import type { Bus } from "../transports/bus/bus.js";
import type { MessageBus } from "../transports/bus/message-bus.js";
import { openBus } from "../transports/open-bus.js";
import type { ActorContext, AnyActorDefinition, OpsRoutes } from "./actor-definition.js";
import { ConfigError, formatPath } from "./config/config-error.js";
import { loadConfig } from "./config/load-config.js";
import { KindOptionsValidator } from "./config/kind-options.js";
import { isSupervisorSpec, type SupervisorChildSpec, type WorkerChildSpec } from "./supervision/child-spec.js";
import { type ResolvedConfig } from "./config/plexus-config.js";
import { PlexusError, toError } from "../common/errors.js";
import type { ActorTreeNode, LifecycleEvent } from "./lifecycle-types.js";
import { createLogger, type Logger } from "../common/logger.js";
import { Metrics } from "../common/metrics.js";
import { systemClock } from "../common/clock.js";
import { startOpsServer, type OpsServer } from "./ops/server.js";
import { registerRuntimeMetrics } from "./runtime-metrics.js";
import { registerTransportMetrics } from "../transports/transport-metrics.js";
import { ScopedBus } from "./scoped-bus.js";
import { StateStore } from "./state-store.js";
import { createSupervisionTree, type SupervisionTree } from "./supervision/tree.js";

/** Options of {@link createRuntime}. */
export interface RuntimeOptions {
  /** Path of a YAML/JSON config file, or an object of the same shape. */
  config: string | Record<string, unknown>;
  /** Actor kinds in addition to the built-in ones (`heartbeat`, `proxy`); one with a built-in's name replaces it. */
  kinds?: AnyActorDefinition[];
  /** Logger to use; default: pino to stderr at the config's level. */
  logger?: Logger;
  /** Environment for `${VAR}` interpolation; default `process.env`. */
  env?: NodeJS.ProcessEnv;
}

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
  /** Loads the config, connects the transport, starts the ops server and the supervision tree in order. */
  start(): Promise<void>;
  /** Stops the tree in reverse start order, then the ops server and the transport. Idempotent. */
  stop(): Promise<void>;
  /** The live supervision tree. */
  tree(): ActorTreeNode;
  /** Subscribes to lifecycle events; returns a function that unsubscribes. */
  on(event: "lifecycle", listener: (event: LifecycleEvent) => void): () => void;
  /** Starts a child under the supervisor at `supervisorPath` (e.g. `root`). */
  startChild(supervisorPath: string, spec: WorkerChildSpec | SupervisorChildSpec): Promise<void>;
  /** Stops and removes a child. */
  stopChild(supervisorPath: string, id: string): Promise<void>;
}

/**
 * The runtime kernel. Embedders use `createRuntime` (src/create-runtime.ts), which supplies the
 * built-in kinds; the kernel itself knows no specific actor.
 */
export class PlexusRuntime implements Runtime {
  readonly metrics = new Metrics();
  readonly log: Logger;
  readonly done: Promise<{ reason?: Error }>;
  private readonly events = new EventEmitter();
  private readonly kinds = new Map<string, AnyActorDefinition>();
  private current: RuntimeState = "idle";
  private loaded: ResolvedConfig | undefined;
  private messageBus: MessageBus | undefined;
  private ops: OpsServer | undefined;
  private supervision: SupervisionTree | undefined;
  private stopping: Promise<void> | undefined;
  private finish!: (result: { reason?: Error }) => void;
  private failure: Error | undefined;
  private optionsValidator: KindOptionsValidator | undefined;

  constructor(
    private readonly options: RuntimeOptions,
    baseKinds: readonly AnyActorDefinition[] = [],
  ) {
    this.log = options.logger ?? createLogger({ name: "plexus" });
    this.done = new Promise((resolve) => (this.finish = resolve));
    for (const kind of baseKinds) this.kinds.set(kind.kind, kind);
    const registered = new Set<string>();
    for (const kind of options.kinds ?? []) {
      if (registered.has(kind.kind)) {
        throw new PlexusError("DUPLICATE_KIND", `actor kind "${kind.kind}" is registered twice in createRuntime({ kinds })`, {
          retryable: false,
        });
      }
      registered.add(kind.kind);
      if (this.kinds.has(kind.kind))
        this.log.info({ kind: kind.kind }, `actor kind "${kind.kind}" replaces the built-in kind of that name`);
      this.kinds.set(kind.kind, kind);
    }
    this.events.setMaxListeners(0);
  }

  get name(): string {
    return this.loaded?.runtime.name ?? "plexus";
  }

  get state(): RuntimeState {
    return this.current;
  }

  get config(): ResolvedConfig {
    if (!this.loaded) throw new PlexusError("NOT_STARTED", "runtime.config is available after runtime.start()");
    return this.loaded;
  }

  get bus(): Bus {
    if (!this.messageBus) throw new PlexusError("NOT_STARTED", "runtime.bus is available after runtime.start() has resolved");
    return this.messageBus;
  }

  get opsAddress() {
    return this.ops?.address;
  }

  on(_event: "lifecycle", listener: (event: LifecycleEvent) => void): () => void {
    this.events.on("lifecycle", listener);
    return () => this.events.off("lifecycle", listener);
  }

  tree(): ActorTreeNode {
    if (this.supervision) return this.supervision.tree();
    return {
      id: "root",
      path: "root",
      type: "supervisor",
      kind: this.loaded?.supervisor.strategy ?? "one_for_one",
      state: "stopped",
      restarts: 0,
    };
  }

  async start(): Promise<void> {
    if (this.current !== "idle") throw new PlexusError("ALREADY_STARTED", `runtime cannot start from state "${this.current}"`);
    this.current = "starting";
    try {
      await this.startParts();
      this.current = "running";
      this.log.info({ runtime: this.name, ops: this.ops?.address.url }, "runtime running");
    } catch (error) {
      const reason = toError(error);
      this.log.error({ err: reason }, "runtime failed to start");
      await this.shutdown(reason);
      throw reason;
    }
  }

  private async startParts(): Promise<void> {
    const config = await loadConfig(this.options.config, { kinds: this.kinds, ...(this.options.env ? { env: this.options.env } : {}) });
    this.loaded = config;
    // PLEXUS_LOG_LEVEL wins over the config: it is how an operator turns on debug for one run.
    if (!this.options.logger && !(this.options.env ?? process.env).PLEXUS_LOG_LEVEL) this.log.level = config.runtime.log.level;
    const bus = await openBus(config, { source: config.runtime.name, log: this.log, metrics: this.metrics });
    this.messageBus = bus;
    registerTransportMetrics(this.metrics, () => bus.stats().transport);
    if (config.runtime.ops.enabled) {
      this.ops = await startOpsServer(
        {
          name: config.runtime.name,
          bus,
          metrics: this.metrics,
          log: this.log.child({ component: "ops" }),
          tree: () => this.tree(),
          health: () => this.health(),
        },
        config.runtime.ops,
      );
    }
    const stateStore = new StateStore(config.runtime.stateDir, this.log.child({ component: "state" }));
    const root: SupervisorChildSpec = {
      id: "root",
      supervisor: config.supervisor,
      children: config.children,
      restart: "permanent",
      shutdownMs: 0,
    };
    this.supervision = createSupervisionTree({
      root,
      kinds: this.kinds,
      log: this.log.child({ component: "supervisor" }),
      onLifecycle: (event) => {
        logLifecycle(this.log, event);
        this.events.emit("lifecycle", event);
      },
      makeContext: ({ spec, path, signal, fail }) => this.makeContext(spec, path, signal, fail, stateStore),
    });
    registerRuntimeMetrics(this.metrics, () => this.tree());
    void this.supervision.done.then(({ reason }) => {
      if (reason && this.current !== "stopping" && this.current !== "stopped") {
        this.log.error({ err: reason }, "root supervisor failed; stopping the runtime");
        void this.shutdown(reason);
      }
    });
    await this.supervision.start();
  }

  private makeContext(
    spec: WorkerChildSpec,
    path: string,
    signal: AbortSignal,
    fail: (error: unknown) => void,
    stateStore: StateStore,
  ): ActorContext {
    const bus = new ScopedBus(this.bus, spec.id);
    // Subscriptions opened by an actor die with it: a restart starts from a clean slate.
    signal.addEventListener("abort", () => void bus.closeAll(), { once: true });
    return {
      id: spec.id,
      path,
      runtimeName: this.name,
      options: spec.options,
      bus,
      log: this.log.child({ actor: path }),
      state: stateStore.forActor(path),
      metrics: this.metrics,
      signal,
      ops: this.opsRoutesFor(path, signal),
      clock: systemClock,
      fail,
    };
  }

  private opsRoutesFor(path: string, signal: AbortSignal): OpsRoutes {
    return {
      route: (method, routePath, handler) => {
        if (!this.ops) {
          this.log.warn({ actor: path, route: `${method} ${routePath}` }, "ops server is disabled; route not mounted");
          return () => {};
        }
        const remove = this.ops.route(method, routePath, handler);
        signal.addEventListener("abort", remove, { once: true });
        return remove;
      },
    };
  }

  private health() {
    const ok = this.current === "running";
    return { ok, ready: ok, state: this.current, ...(this.failure ? { reason: this.failure.message } : {}) };
  }

  async stop(): Promise<void> {
    await this.shutdown(undefined);
  }

  async startChild(supervisorPath: string, spec: WorkerChildSpec | SupervisorChildSpec): Promise<void> {
    const tree = this.running();
    await tree.startChild(supervisorPath, this.validatedChild(spec, `${supervisorPath}/${spec.id}`));
  }

  /** Options of dynamic children get the same schema check (and defaults) as configured ones. */
  private validatedChild<S extends WorkerChildSpec | SupervisorChildSpec>(spec: S, at: string): S {
    this.optionsValidator ??= new KindOptionsValidator(this.kinds);
    if (isSupervisorSpec(spec)) {
      return { ...spec, children: spec.children.map((child) => this.validatedChild(child, `${at}/${child.id}`)) };
    }
    const resolved = this.optionsValidator.resolveKind(spec.kind, ["kind"]);
    const problems = resolved.issue ? [resolved.issue] : [];
    let options = spec.options;
    if (resolved.definition) {
      const result = this.optionsValidator.validate(resolved.definition, spec.options ?? {}, ["options"]);
      options = result.options;
      problems.push(...result.issues);
    }
    if (problems.length > 0)
      throw new ConfigError(problems.map((issue) => ({ path: `${at}.${formatPath(issue.path)}`, message: issue.message })));
    return { ...spec, options };
  }

  async stopChild(supervisorPath: string, id: string): Promise<void> {
    await this.running().stopChild(supervisorPath, id);
  }

  private running(): SupervisionTree {
    if (!this.supervision || this.current !== "running") {
      throw new PlexusError("NOT_RUNNING", `dynamic children need a running runtime (state: ${this.current})`);
    }
    return this.supervision;
  }

  private shutdown(reason: Error | undefined): Promise<void> {
    if (!this.stopping) {
      this.stopping = this.shutdownParts(reason);
    }
    return this.stopping;
  }

  private async shutdownParts(reason: Error | undefined): Promise<void> {
    this.failure = reason;
    this.current = "stopping";
    const steps: Array<[string, (() => Promise<void>) | undefined]> = [
      ["supervision tree", this.supervision && (() => this.supervision!.stop())],
      ["ops server", this.ops && (() => this.ops!.close())],
      ["bus", this.messageBus && (() => this.messageBus!.close())],
    ];
    for (const [what, step] of steps) {
      if (!step) continue;
      try {
        await step();
      } catch (error) {
        this.log.error({ err: error }, `error while stopping the ${what}`);
      }
    }
    this.current = reason ? "failed" : "stopped";
    this.log.info({ runtime: this.name, reason: reason?.message }, reason ? "runtime stopped after a failure" : "runtime stopped");
    this.finish(reason ? { reason } : {});
  }
}

/** Failures, restarts and escalations are what an operator reads the log for; the rest is debug. */
function logLifecycle(log: Logger, event: LifecycleEvent): void {
  const fields = { actor: event.path, state: event.state, restarts: event.restarts, ...(event.error ? { err: event.error } : {}) };
  if (event.state === "failed") log.warn(fields, `${event.path} failed: ${event.error?.message ?? "no reason given"}`);
  else if (event.state === "escalated")
    log.error(fields, `${event.path} gave up (restart intensity exceeded or non-retryable error); escalating`);
  else if (event.state === "restarting") log.info(fields, `${event.path} restarting (restart ${event.restarts})`);
  else log.debug(fields, `${event.path} ${event.state}`);
}
