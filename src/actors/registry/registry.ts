import type { Clock, TimerHandle } from "../../common/clock.js";
import type { Logger } from "../../common/logger.js";
import type { Metrics } from "../../common/metrics.js";
import { toError } from "../../common/errors.js";
import { decideEviction, EVICTION_RUNNING, lostShare, type EvictionSettings, type EvictionState } from "./eviction-guard.js";
import { IndexWatch } from "./index-watch.js";
import { toInstance, type Instance, type Lease } from "./lease.js";
import type { LeaseRegistration } from "./lease-machine.js";
import type { RegistryStore } from "./registry-store.js";

/** How a registry behaves; the actor fills it from its options. */
export interface RegistrySettings {
  /** TTL of a registration that names none. */
  defaultTtlMs: number;
  eviction: EvictionSettings;
  /** How often due leases are looked for (at most 1 s). */
  sweepMs: number;
  /** One `registry.renewed` event per this many heartbeats (0: none). */
  renewedEventEvery: number;
  /** Poll interval of long-polls against a store other runtimes change too; undefined when only this process changes it. */
  watchPollMs: number | undefined;
}

export interface RegistryDeps {
  clock: Clock;
  log: Logger;
  metrics: Metrics;
  /** Publishes a registry event on the bus; must not throw. */
  publish(topic: string, payload: RegistryEvent): void;
}

/** Payload of `registry.registered`, `registry.renewed`, `registry.expired`, `registry.deregistered`. */
export interface RegistryEvent {
  name: string;
  id: string;
  url: string;
  meta: Record<string, string>;
  /** When it happened (ISO 8601). */
  at: string;
}

/** One service as `GET /services/:name` shows it. */
export interface ServiceView {
  name: string;
  instances: Instance[];
}

/**
 * The registry: leases in a store, eviction safety, events and long-poll watches. Every change
 * goes through here, so events, metrics and watchers cannot miss one; the HTTP routes only
 * translate requests.
 */
export class Registry {
  readonly watch: IndexWatch;
  private eviction: EvictionState = EVICTION_RUNNING;
  private sweeper: TimerHandle | undefined;
  private sweeping: Promise<void> | undefined;
  private heartbeats = 0;
  private readonly counts = { registered: 0, renewed: 0, expired: 0, deregistered: 0, unknownHeartbeats: 0, sweepErrors: 0 };
  private lastCounts = { live: 0, due: 0, expiredInWindow: 0 };
  private readonly eventsTotal;
  private readonly pausedGauge;

  constructor(
    readonly store: RegistryStore,
    private readonly settings: RegistrySettings,
    private readonly deps: RegistryDeps,
  ) {
    this.watch = new IndexWatch((name) => store.serviceIndex(name), deps.clock, settings.watchPollMs);
    this.eventsTotal = deps.metrics.counter("registry_events_total", "Registry lease events, by type", ["type"]);
    this.pausedGauge = deps.metrics.gauge("registry_eviction_paused", "1 while eviction safety holds back expiries (an alarm)");
    deps.metrics.gauge("registry_instances", "Instances registered, by lease health", ["health"], (gauge) => {
      gauge.set({ health: "passing" }, this.lastCounts.live);
      gauge.set({ health: "overdue" }, this.lastCounts.due);
    });
  }

  get evictionPaused(): boolean {
    return this.eviction.paused;
  }

  /** Starts the sweep timer on the registry's clock. */
  start(): void {
    this.sweeper ??= this.deps.clock.setInterval(() => void this.sweep(), this.settings.sweepMs);
  }

  async stop(): Promise<void> {
    if (this.sweeper !== undefined) this.deps.clock.clearInterval(this.sweeper);
    this.sweeper = undefined;
    this.watch.close();
    await this.sweeping;
  }

  async register(input: Omit<LeaseRegistration, "ttlMs"> & { ttlMs?: number }): Promise<{ instance: Instance; changed: boolean }> {
    const now = await this.store.now(this.deps.clock.now());
    const { lease, changed } = await this.store.register({ ...input, ttlMs: input.ttlMs ?? this.settings.defaultTtlMs }, now);
    this.counts.registered++;
    this.emit("registered", lease, now);
    if (changed) this.watch.notify(lease.name);
    return { instance: toInstance(lease, now), changed };
  }

  /** Renews a lease; undefined when it is gone (never registered, deregistered or expired). */
  async heartbeat(name: string, id: string): Promise<Instance | undefined> {
    const now = await this.store.now(this.deps.clock.now());
    const result = await this.store.renew(name, id, now, this.eviction.paused);
    if (result.outcome === "renewed") {
      this.counts.renewed++;
      const every = this.settings.renewedEventEvery;
      if (every > 0 && ++this.heartbeats % every === 0) this.emit("renewed", result.lease, now);
      return toInstance(result.lease, now);
    }
    if (result.outcome === "expired") this.expired([result.lease], now);
    else this.counts.unknownHeartbeats++;
    return undefined;
  }

  async deregister(name: string, id: string): Promise<boolean> {
    const now = await this.store.now(this.deps.clock.now());
    const lease = await this.store.deregister(name, id, now);
    if (lease === undefined) return false;
    this.counts.deregistered++;
    this.emit("deregistered", lease, now);
    this.watch.notify(name);
    return true;
  }

  serviceNames(): Promise<string[]> {
    return this.store.serviceNames();
  }

  /** The service and the index of its last change (`index` is 0 and `service` undefined when unknown). */
  async service(name: string): Promise<{ service: ServiceView | undefined; index: number }> {
    const now = await this.store.now(this.deps.clock.now());
    const found = await this.store.service(name, now);
    if (found === undefined) return { service: undefined, index: await this.store.serviceIndex(name) };
    const instances = found.leases.map((lease) => toInstance(lease, now)).sort((a, b) => a.id.localeCompare(b.id));
    return { service: { name, instances }, index: found.index };
  }

  /**
   * One sweep: count, let the eviction guard decide, expire what it allows. Sweeps never overlap;
   * a store error is counted and logged, and the next sweep tries again.
   */
  sweep(): Promise<void> {
    this.sweeping ??= this.runSweep().finally(() => (this.sweeping = undefined));
    return this.sweeping;
  }

  /** Resolves when no sweep is running (tests step a simulated clock sweep by sweep). */
  async idle(): Promise<void> {
    await this.sweeping;
  }

  status(): Record<string, unknown> {
    const paused = this.eviction.paused;
    return {
      ...(paused ? { degraded: true, alarm: "eviction paused: too many instances stopped renewing at once" } : {}),
      instances: this.lastCounts.live + this.lastCounts.due,
      overdue: this.lastCounts.due,
      evictionPaused: paused,
      ...(this.eviction.paused ? { evictionPausedSince: new Date(this.eviction.since).toISOString() } : {}),
      lostShare: lostShare(this.lastCounts),
      watchers: this.watch.waiting,
      ...this.counts,
    };
  }

  private async runSweep(): Promise<void> {
    try {
      const now = await this.store.now(this.deps.clock.now());
      const counts = await this.store.counts(now, this.settings.eviction.windowMs);
      this.lastCounts = counts;
      const decision = decideEviction(this.eviction, counts, now, this.settings.eviction);
      this.eviction = decision.state;
      this.pausedGauge.set(decision.state.paused ? 1 : 0);
      if (decision.change === "paused")
        this.deps.log.error(
          { ...counts, pauseShare: this.settings.eviction.pauseShare, windowMs: this.settings.eviction.windowMs },
          `registry ALARM: ${counts.due + counts.expiredInWindow} of ${counts.live + counts.due + counts.expiredInWindow} instances stopped renewing within one window; eviction paused (is the registry cut off from them?)`,
        );
      else if (decision.change === "resumed")
        this.deps.log.warn(
          { ...counts, reason: decision.reason },
          decision.reason === "renewals-recovered"
            ? "registry: renewals recovered; eviction resumed"
            : "registry: no more instances stopped renewing for a whole window; the instances still renewing are the new baseline and eviction resumed",
        );
      if (decision.resetWindow) await this.store.resetWindow();
      if (!decision.expire) return;
      const expired = await this.store.expireDue(now);
      this.expired(expired, now);
      if (expired.length > 0) this.lastCounts = { ...counts, due: Math.max(0, counts.due - expired.length) };
    } catch (error) {
      this.counts.sweepErrors++;
      this.deps.log.warn({ err: toError(error) }, "registry sweep failed; trying again at the next sweep");
    }
  }

  private expired(leases: Lease[], now: number): void {
    const names = new Set<string>();
    for (const lease of leases) {
      this.counts.expired++;
      this.emit("expired", lease, now);
      names.add(lease.name);
    }
    for (const name of names) this.watch.notify(name);
  }

  private emit(type: "registered" | "renewed" | "expired" | "deregistered", lease: Lease, now: number): void {
    this.eventsTotal.inc({ type });
    this.deps.publish(`registry.${type}`, {
      name: lease.name,
      id: lease.id,
      url: lease.url,
      meta: lease.meta,
      at: new Date(now).toISOString(),
    });
  }
}
