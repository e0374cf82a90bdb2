import { EventEmitter } from "node:events";
import type { Bus } from "../transports/bus/bus.js";
import type { MessageBus } from "../transports/bus/message-bus.js";
import type { Transport } from "../transports/transport.js";
import { openResolvedBus } from "../transports/open-bus.js";
import type { ActorContext, OpsRoutes } from "./actor-context.js";
import type { AnyActorDefinition } from "./define-actor.js";
import { loadConfig } from "./config/load-config.js";
import { KindOptionsValidator } from "./config/kind-options.js";
import type { ChildConfig } from "./supervision/child-config.js";
import { type SupervisorChildSpec, type WorkerChildSpec } from "./supervision/child-spec.js";
import { resolveChildConfig } from "./supervision/resolve-child.js";
import type { PlexusConfig, ResolvedConfig } from "./config/plexus-config.js";
import { PlexusError, toError } from "../common/errors.js";
import type { ActorTreeNode, LifecycleEvent } from "./lifecycle-types.js";
import type { Logger as PinoLogger } from "pino";
import { createLogger, type Logger } from "../common/logger.js";
import { Metrics } from "../common/metrics.js";
import { systemClock } from "../common/clock.js";
import type { OpsServer } from "./ops/server.js";
import { registerRuntimeMetrics } from "./runtime-metrics.js";
import { registerTransportMetrics } from "../transports/transport-metrics.js";
import { ActorSlots } from "./actor-slots.js";
import { DEFAULT_CRASH_RETRIES } from "../transports/bus/bus-config.js";
import { StateStore } from "./state-store.js";
import { createSupervisionTree, type SupervisionTree } from "./supervision/tree.js";

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

/**
 * The runtime kernel. Embedders use `createRuntime` (src/create-runtime.ts), which supplies the
 * built-in kinds; the kernel itself knows no specific actor.
 */
export class PlexusRuntime implements Runtime {
  readonly metrics = new Metrics();
  readonly log: Logger;
  readonly done: Promise<{ reason?: Error }>;
  /** The logger this runtime created (no `logger` option): the only one whose level it may change. */
  private readonly ownLogger: PinoLogger | undefined;
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
  /** A transport instance from the options that no Bus owns yet: closed by a start that fails before. */
  private unclaimedTransport: Transport | undefined;
  /** What each worker keeps across its incarnations: its bus subscriptions and their mailboxes. */
  private slots: ActorSlots | undefined;
  /** Aborted by a stop during start; every start stage gives up on it. */
  private readonly startAbort = new AbortController();
  /** What the start is doing now, named in the START_CANCELLED error. */
  private startStage = "loading the config";
  /** Settles when start() has unwound (whatever its outcome); a stop during start waits for it. */
  private startSettled: Promise<void> = Promise.resolve();
  /** Releases of what a cancelled start stage produced after the cancel; a stop waits for them. */
  private readonly lateReleases = new Set<Promise<void>>();
  /** Holds the event loop from start() until stopped; see start(). */
  private keepAlive: NodeJS.Timeout | undefined;

  constructor(
    private readonly options: RuntimeOptions,
    baseKinds: readonly AnyActorDefinition[] = [],
  ) {
    if (options.logger) {
      this.log = options.logger;
    } else {
      this.ownLogger = createLogger({ name: "plexus" });
      this.log = this.ownLogger;
    }
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
    if (options.transport !== undefined && typeof options.transport !== "function") this.unclaimedTransport = options.transport;
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
    // A runtime runs until it is stopped, even when nothing it runs holds the event loop (no
    // children, no ops server, actors that only wait on the bus): without this Node would end
    // the process with code 13 while `done` is still pending.
    this.keepAlive = setInterval(() => undefined, 2 ** 31 - 1);
    const parts = this.startParts();
    this.startSettled = parts.then(
      () => undefined,
      () => undefined,
    );
    try {
      await parts;
      this.startAbort.signal.throwIfAborted();
      this.current = "running";
      this.log.info({ runtime: this.name, ops: this.ops?.address.url }, "runtime running");
    } catch (error) {
      if (this.startAbort.signal.aborted) {
        // A stop during start: it closes what was opened; the start only reports the cancel.
        const cancelled = toError(this.startAbort.signal.reason);
        this.log.info({ runtime: this.name, stage: this.startStage }, "runtime start cancelled by stop()");
        await this.stopping;
        throw cancelled;
      }
      const reason = toError(error);
      this.log.error({ err: reason }, "runtime failed to start");
      await this.shutdown(reason);
      throw reason;
    }
  }

  /**
   * Waits for one start stage. A stop during it ends the wait at once (rejecting with the cancel
   * error); whatever the stage still produces is then released by `release`, and the stop waits
   * for that release, so nothing opened by a cancelled start outlives `stop()`.
   */
  private async stage<T>(name: string, work: Promise<T>, release?: (value: T) => Promise<void>): Promise<T> {
    this.startStage = name;
    // A stage that fails after a stop already cancelled it has nobody left to tell.
    work.catch(() => undefined);
    const signal = this.startAbort.signal;
    let onAbort: (() => void) | undefined;
    const cancelled = new Promise<never>((_, reject) => {
      onAbort = () => reject(signal.reason);
      if (signal.aborted) onAbort();
      else signal.addEventListener("abort", onAbort, { once: true });
    });
    try {
      const value = await Promise.race([work, cancelled]);
      signal.throwIfAborted();
      return value;
    } catch (error) {
      if (signal.aborted && release) this.releaseLate(work, release);
      throw error;
    } finally {
      if (onAbort) signal.removeEventListener("abort", onAbort);
    }
  }

  private releaseLate<T>(work: Promise<T>, release: (value: T) => Promise<void>): void {
    const released = work.then(
      (value) => release(value),
      () => undefined, // the stage failed on its own: it opened nothing that is still open
    );
    const tracked = released
      .catch((error: unknown) => this.log.error({ err: error }, "could not release what a cancelled start stage opened"))
      .finally(() => this.lateReleases.delete(tracked));
    this.lateReleases.add(tracked);
  }

  private async startParts(): Promise<void> {
    const config = await this.stage(
      "loading the config",
      loadConfig(this.options.config, { kinds: this.kinds, ...(this.options.env ? { env: this.options.env } : {}) }),
    );
    this.loaded = config;
    // PLEXUS_LOG_LEVEL wins over the config: it is how an operator turns on debug for one run.
    // An embedder's logger keeps the level its owner gave it.
    if (this.ownLogger && !(this.options.env ?? process.env).PLEXUS_LOG_LEVEL) this.ownLogger.level = config.runtime.log.level;
    const transport = await this.stage(
      "building the transport",
      this.customTransport(config),
      (late) => late?.close() ?? Promise.resolve(),
    );
    const bus = await this.stage(
      "connecting the transport",
      openResolvedBus(config, {
        source: config.runtime.name,
        log: this.log,
        metrics: this.metrics,
        signal: this.startAbort.signal,
        ...(transport ? { transport } : {}),
      }),
      (late) => late.close(),
    );
    this.messageBus = bus;
    registerTransportMetrics(this.metrics, () => bus.stats().transport);
    if (config.runtime.ops.enabled) {
      // Loaded here, not at the top: fastify is the heaviest dependency, and an embedder with
      // `ops.enabled: false` should not pay for it.
      const { startOpsServer } = await this.stage("loading the ops server", import("./ops/server.js"));
      this.ops = await this.stage(
        "starting the ops server",
        startOpsServer(
          {
            name: config.runtime.name,
            bus,
            metrics: this.metrics,
            log: this.log.child({ component: "ops" }),
            tree: () => this.tree(),
            health: () => this.health(),
          },
          { ...config.runtime.ops, maxDepth: config.bus.maxDepth },
        ),
        (late) => late.close(),
      );
    }
    const slots = new ActorSlots(bus, config.bus.mailbox.crashRetries ?? DEFAULT_CRASH_RETRIES, this.log.child({ component: "bus" }));
    this.slots = slots;
    const stateStore = new StateStore(config.runtime.stateDir, this.log.child({ component: "state" }));
    await this.stage("cleaning the state directory", stateStore.removeOrphans());
    const root: SupervisorChildSpec = {
      id: "root",
      supervisor: config.supervisor,
      children: config.children,
      restart: "permanent",
      // No budget of its own: its children (those of the config and those started at run time)
      // stop one by one, each forced after its own shutdownMs, so the runtime never closes the
      // bus under a child that is still stopping. A fixed sum would race the last child's own
      // timer and miss dynamic children.
      shutdownMs: Number.POSITIVE_INFINITY,
    };
    this.supervision = createSupervisionTree({
      root,
      kinds: this.kinds,
      log: this.log.child({ component: "supervisor" }),
      onLifecycle: (event) => {
        logLifecycle(this.log, event);
        // A running incarnation has re-opened the subscriptions it wants; the rest of its slot goes.
        if (event.state === "running") slots.running(event.path);
        this.events.emit("lifecycle", event);
      },
      makeContext: ({ spec, path, signal, fail }) => this.makeContext(spec, path, signal, fail, stateStore),
      onChildRemoved: (path) => slots.remove(path),
    });
    registerRuntimeMetrics(this.metrics, () => this.tree());
    void this.supervision.done.then(({ reason }) => {
      if (reason && this.current !== "stopping" && this.current !== "stopped") {
        this.log.error({ err: reason }, "root supervisor failed; stopping the runtime");
        void this.shutdown(reason);
      }
    });
    // A stop during this stage stops the tree itself (it was assigned above), which ends its start.
    await this.stage("starting the supervision tree", this.supervision.start());
  }

  /** The transport given in the options, if any; from here on the Bus owns (and closes) it. */
  private async customTransport(config: ResolvedConfig): Promise<Transport | undefined> {
    const option = this.options.transport;
    this.unclaimedTransport = undefined;
    if (option === undefined || typeof option !== "function") return option;
    return option({ config, log: this.log.child({ component: "transport" }), source: config.runtime.name });
  }

  private makeContext(
    spec: WorkerChildSpec,
    path: string,
    signal: AbortSignal,
    fail: (error: unknown) => void,
    stateStore: StateStore,
  ): ActorContext {
    // Subscriptions belong to the child's slot, not to one incarnation: a restarted actor keeps
    // its mailbox (see SlotBus).
    const bus = (this.slots as ActorSlots).incarnation(path, spec.id, signal);
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

  async startChild(supervisorPath: string, spec: ChildConfig): Promise<void> {
    const tree = this.running();
    this.optionsValidator ??= new KindOptionsValidator(this.kinds);
    const child = resolveChildConfig(spec, { validator: this.optionsValidator, caller: `startChild(${JSON.stringify(supervisorPath)})` });
    await tree.startChild(supervisorPath, child);
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
      if (this.current === "starting" && reason === undefined) {
        this.startAbort.abort(
          new PlexusError(
            "START_CANCELLED",
            `runtime.stop() was called while the runtime was starting (${this.startStage}); the start was cancelled and what it had opened is closed`,
            { retryable: false },
          ),
        );
      }
      this.stopping = this.shutdownParts(reason);
    }
    return this.stopping;
  }

  private async shutdownParts(reason: Error | undefined): Promise<void> {
    this.failure = reason;
    this.current = "stopping";
    // A cancelled start unwinds first (every stage gives up on the abort), so that what it opened
    // is in the fields below; what a stage produced after the cancel is released here too.
    if (this.startAbort.signal.aborted) await this.startSettled;
    await Promise.all(this.lateReleases);
    const steps: Array<[string, (() => Promise<void>) | undefined]> = [
      ["supervision tree", this.supervision && (() => this.supervision!.stop())],
      ["actors' bus slots", this.slots && (() => this.slots!.closeAll())],
      ["ops server", this.ops && (() => this.ops!.close())],
      ["bus", this.messageBus && (() => this.messageBus!.close())],
      ["transport given in the options", this.unclaimedTransport && (() => this.unclaimedTransport!.close())],
    ];
    for (const [what, step] of steps) {
      if (!step) continue;
      try {
        await step();
      } catch (error) {
        this.log.error({ err: error }, `error while stopping the ${what}`);
      }
    }
    clearInterval(this.keepAlive);
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
