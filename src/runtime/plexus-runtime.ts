import { EventEmitter } from "node:events";
import type { Bus } from "../transports/bus/bus.js";
import type { MessageBus } from "../transports/bus/message-bus.js";
import type { Transport } from "../transports/transport.js";
import { openResolvedBus } from "../transports/open-bus.js";
import type { ActorContext, ActorStatus, ActorStorage, OpsRoutes } from "./actor-context.js";
import type { AnyActorDefinition } from "./define-actor.js";
import { loadConfig } from "./config/load-config.js";
import { KindOptionsValidator } from "./config/kind-options.js";
import type { ChildConfig } from "./supervision/child-config.js";
import { type SupervisorChildSpec, type WorkerChildSpec } from "./supervision/child-spec.js";
import { resolveChildConfig } from "./supervision/resolve-child.js";
import type { ResolvedConfig } from "./config/plexus-config.js";
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
import { StartStages } from "./start-stages.js";
import { logLifecycle } from "./log-lifecycle.js";
import type { Runtime, RuntimeOptions, RuntimeState } from "./runtime.js";

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
  /** What each running actor reports about itself in /health, by path (`ctx.ops.status`). */
  private readonly statuses = new Map<string, () => ActorStatus>();
  private supervision: SupervisionTree | undefined;
  private stopping: Promise<void> | undefined;
  private finish!: (result: { reason?: Error }) => void;
  private failure: Error | undefined;
  private optionsValidator: KindOptionsValidator | undefined;
  /** A transport instance from the options that no Bus owns yet: closed by a start that fails before. */
  private unclaimedTransport: Transport | undefined;
  /** What each worker keeps across its incarnations: its bus subscriptions and their mailboxes. */
  private slots: ActorSlots | undefined;
  /** The start's stages, which a stop during start cancels. */
  private readonly stages: StartStages;
  /** Settles when start() has unwound (whatever its outcome); a stop during start waits for it. */
  private startSettled: Promise<void> = Promise.resolve();
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
    this.stages = new StartStages(this.log);
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
      this.stages.signal.throwIfAborted();
      this.current = "running";
      this.log.info({ runtime: this.name, ops: this.ops?.address.url }, "runtime running");
    } catch (error) {
      if (this.stages.cancelled) {
        // A stop during start: it closes what was opened; the start only reports the cancel.
        const cancelled = toError(this.stages.reason);
        this.log.info({ runtime: this.name, stage: this.stages.stage }, "runtime start cancelled by stop()");
        await this.stopping;
        throw cancelled;
      }
      const reason = toError(error);
      this.log.error({ err: reason }, "runtime failed to start");
      await this.shutdown(reason);
      throw reason;
    }
  }

  private async startParts(): Promise<void> {
    const config = await this.stages.run(
      "loading the config",
      loadConfig(this.options.config, { kinds: this.kinds, ...(this.options.env ? { env: this.options.env } : {}) }),
    );
    this.loaded = config;
    // PLEXUS_LOG_LEVEL wins over the config: it is how an operator turns on debug for one run.
    // An embedder's logger keeps the level its owner gave it.
    if (this.ownLogger && !(this.options.env ?? process.env).PLEXUS_LOG_LEVEL) this.ownLogger.level = config.runtime.log.level;
    const transport = await this.stages.run(
      "building the transport",
      this.customTransport(config),
      (late) => late?.close() ?? Promise.resolve(),
    );
    const bus = await this.stages.run(
      "connecting the transport",
      openResolvedBus(config, {
        source: config.runtime.name,
        log: this.log,
        metrics: this.metrics,
        signal: this.stages.signal,
        stateDir: config.runtime.stateDir,
        ...(transport ? { transport } : {}),
      }),
      (late) => late.close(),
    );
    this.messageBus = bus;
    registerTransportMetrics(this.metrics, () => bus.stats().transport);
    if (config.runtime.ops.enabled) {
      // Loaded here, not at the top: fastify is the heaviest dependency, and an embedder with
      // `ops.enabled: false` should not pay for it.
      const { startOpsServer } = await this.stages.run("loading the ops server", import("./ops/server.js"));
      this.ops = await this.stages.run(
        "starting the ops server",
        startOpsServer(
          {
            name: config.runtime.name,
            bus,
            metrics: this.metrics,
            log: this.log.child({ component: "ops" }),
            tree: () => this.tree(),
            health: () => this.health(),
            actorStatus: (path) => this.statuses.get(path)?.(),
          },
          { ...config.runtime.ops, maxDepth: config.bus.maxDepth },
        ),
        (late) => late.close(),
      );
    }
    const slots = new ActorSlots(bus, config.bus.mailbox.crashRetries ?? DEFAULT_CRASH_RETRIES, this.log.child({ component: "bus" }));
    this.slots = slots;
    const stateStore = new StateStore(config.runtime.stateDir, this.log.child({ component: "state" }));
    await this.stages.run("cleaning the state directory", stateStore.removeOrphans());
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
    await this.stages.run("starting the supervision tree", this.supervision.start());
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
      storage: this.storage(),
      metrics: this.metrics,
      signal,
      ops: this.opsRoutesFor(path, signal),
      clock: systemClock,
      fail,
    };
  }

  private storage(): ActorStorage {
    const config = this.loaded as ResolvedConfig;
    const transport = config.transport;
    if (this.options.transport !== undefined) return { stateDir: config.runtime.stateDir, transport: { kind: "custom" } };
    return {
      stateDir: config.runtime.stateDir,
      transport: transport.kind === "redis" ? { kind: "redis", url: transport.url, prefix: transport.prefix } : { kind: transport.kind },
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
      status: (provider) => {
        this.statuses.set(path, provider);
        const remove = (): void => {
          if (this.statuses.get(path) === provider) this.statuses.delete(path);
        };
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
      if (this.current === "starting" && reason === undefined) this.stages.cancel();
      this.stopping = this.shutdownParts(reason);
    }
    return this.stopping;
  }

  private async shutdownParts(reason: Error | undefined): Promise<void> {
    this.failure = reason;
    this.current = "stopping";
    // A cancelled start unwinds first (every stage gives up on the abort), so that what it opened
    // is in the fields below; what a stage produced after the cancel is released here too.
    if (this.stages.cancelled) await this.startSettled;
    await this.stages.released();
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
