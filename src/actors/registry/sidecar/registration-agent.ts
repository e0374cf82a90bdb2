import { randomUUID } from "node:crypto";
import { systemClock, type Clock } from "../../../common/clock.js";
import { toError } from "../../../common/errors.js";
import type { Logger } from "../../../common/logger.js";
import { backoffDelay } from "../../../runtime/supervision/restart-backoff.js";

/** What `startRegistration` needs: the registry, and the service it registers. */
export interface RegistrationOptions {
  /** Base URL of the registry's HTTP API, e.g. `http://127.0.0.1:8888`. */
  registry: string;
  /** Service name. */
  name: string;
  /** Where clients reach this instance. */
  url: string;
  /** Path (on `url`) or absolute URL of the service's health check; registration waits for a 2xx. None: no check. */
  health?: string;
  /** Instance id; generated once per agent when absent. */
  id?: string;
  /** Lease TTL in seconds. @defaultValue 60 */
  ttl?: number;
  /** Heartbeat interval in seconds (jittered ±10%). @defaultValue 30, or a third of `ttl` when that is shorter */
  heartbeat?: number;
  meta?: Record<string, string>;
  /** Bearer token for the registry's writes. */
  token?: string;
  /** Health checks and registry calls give up after this long. @defaultValue 5000 */
  requestTimeoutMs?: number;
  /** How often health is checked while waiting for it. @defaultValue 1000 */
  healthIntervalMs?: number;
  /** Backoff on registry errors. @defaultValue `{ minMs: 1000, maxMs: 60000, jitter: 0.2 }` */
  backoff?: { minMs: number; maxMs: number; jitter: number };
  /** Receives one line per state change. */
  log?: Pick<Logger, "info" | "warn">;
  clock?: Clock;
  random?: () => number;
}

/** Where a registration agent is. */
export type RegistrationState =
  "waiting-for-health" | "registering" | "registered" | "unhealthy" | "registry-unreachable" | "deregistering" | "stopped";

/** What `status()` reports. */
export interface RegistrationStatus {
  state: RegistrationState;
  name: string;
  id: string;
  /** True while the registry holds a lease this agent renews. */
  registered: boolean;
  heartbeats: number;
  registrations: number;
  /** Consecutive registry failures (0 when the last call worked). */
  failures: number;
  lastError?: string;
}

/** A running registration agent. */
export interface Registration {
  /** Stops heartbeating and deregisters (best effort, bounded by the request timeout). Never rejects. */
  stop(): Promise<void>;
  status(): RegistrationStatus;
}

/**
 * Registers an HTTP service with a plexus registry and keeps its lease alive, without changing
 * the service: waits for its health check to answer 2xx, registers, heartbeats with jitter,
 * re-registers when the registry has lost the lease (404), stops heartbeating while the service is
 * unhealthy, backs off 1 s → 60 s with jitter while the registry is unreachable or failing, and
 * deregisters on `stop()`. It never throws into the host: every failure becomes a state, logged
 * once when it changes.
 */
export function startRegistration(options: RegistrationOptions): Registration {
  return new RegistrationAgent(options).start();
}

class RegistrationAgent {
  private readonly id: string;
  private readonly ttl: number;
  private readonly heartbeatMs: number;
  private readonly clock: Clock;
  private readonly random: () => number;
  private readonly timeoutMs: number;
  private readonly backoff: { minMs: number; maxMs: number; jitter: number };
  private readonly registryUrl: string;
  private state: RegistrationState = "waiting-for-health";
  private registered = false;
  private failures = 0;
  private heartbeats = 0;
  private registrations = 0;
  private lastError: string | undefined;
  private stopping = false;
  private readonly aborter = new AbortController();
  private wake: (() => void) | undefined;
  private loop: Promise<void> = Promise.resolve();
  private stopped: Promise<void> | undefined;

  constructor(private readonly options: RegistrationOptions) {
    this.id = options.id ?? randomUUID();
    this.ttl = options.ttl ?? 60;
    this.heartbeatMs = (options.heartbeat ?? Math.min(30, this.ttl / 3)) * 1_000;
    this.clock = options.clock ?? systemClock;
    this.random = options.random ?? Math.random;
    this.timeoutMs = options.requestTimeoutMs ?? 5_000;
    this.backoff = options.backoff ?? { minMs: 1_000, maxMs: 60_000, jitter: 0.2 };
    this.registryUrl = options.registry.replace(/\/+$/, "");
  }

  start(): Registration {
    this.options.log?.info(
      { registry: this.registryUrl, name: this.options.name, id: this.id },
      "sidecar: waiting for the service's health check",
    );
    this.loop = this.run().catch((error: unknown) => this.note("stopped", toError(error).message));
    return { stop: () => this.stop(), status: () => this.status() };
  }

  status(): RegistrationStatus {
    return {
      state: this.state,
      name: this.options.name,
      id: this.id,
      registered: this.registered,
      heartbeats: this.heartbeats,
      registrations: this.registrations,
      failures: this.failures,
      ...(this.lastError === undefined ? {} : { lastError: this.lastError }),
    };
  }

  stop(): Promise<void> {
    this.stopped ??= (async () => {
      this.stopping = true;
      this.aborter.abort();
      this.wake?.();
      await this.loop;
      if (this.registered) {
        this.note("deregistering");
        try {
          await this.call("DELETE", `/services/${encodeURIComponent(this.options.name)}/${encodeURIComponent(this.id)}`, undefined, false);
        } catch (error) {
          this.lastError = toError(error).message;
        }
        this.registered = false;
      }
      this.note("stopped");
    })();
    return this.stopped;
  }

  private async run(): Promise<void> {
    while (!this.stopping) {
      if (!(await this.healthy())) {
        this.note(this.registered || this.state === "unhealthy" ? "unhealthy" : "waiting-for-health");
        await this.sleep(this.options.healthIntervalMs ?? 1_000);
        continue;
      }
      try {
        if (!this.registered) await this.register();
        else await this.renew();
        this.failures = 0;
      } catch (error) {
        if (this.stopping) return;
        this.failures++;
        this.lastError = toError(error).message;
        this.note("registry-unreachable", this.lastError);
        await this.sleep(Math.min(this.backoff.maxMs, backoffDelay(this.backoff, this.failures, this.random())));
        continue;
      }
      if (this.registered) await this.sleep(this.heartbeatMs * (0.9 + 0.2 * this.random()));
    }
  }

  private async register(): Promise<void> {
    if (this.state !== "registry-unreachable") this.note("registering");
    const body = { name: this.options.name, url: this.options.url, id: this.id, ttl: this.ttl, meta: this.options.meta ?? {} };
    const response = await this.call("POST", "/services", body, true);
    if (response.status !== 201) throw new Error(`registration answered HTTP ${response.status}: ${await response.text()}`);
    this.registered = true;
    this.registrations++;
    this.lastError = undefined;
    this.note("registered");
  }

  private async renew(): Promise<void> {
    const response = await this.call(
      "PUT",
      `/services/${encodeURIComponent(this.options.name)}/${encodeURIComponent(this.id)}/heartbeat`,
      undefined,
      true,
    );
    if (response.status === 404) {
      // The registry lost the lease (expired, or it restarted without it): register again at once.
      this.registered = false;
      this.options.log?.warn(
        { name: this.options.name, id: this.id },
        "sidecar: the registry no longer knows this instance; registering again",
      );
      await this.register();
      return;
    }
    if (response.status !== 200) throw new Error(`heartbeat answered HTTP ${response.status}: ${await response.text()}`);
    this.heartbeats++;
    this.note("registered");
  }

  private async healthy(): Promise<boolean> {
    if (this.options.health === undefined) return true;
    const target = /^https?:\/\//.test(this.options.health)
      ? this.options.health
      : new URL(this.options.health, this.options.url).toString();
    try {
      const response = await fetch(target, { signal: AbortSignal.any([this.aborter.signal, AbortSignal.timeout(this.timeoutMs)]) });
      await response.body?.cancel();
      if (response.ok) return true;
      this.lastError = `health check ${target} answered HTTP ${response.status}`;
    } catch (error) {
      this.lastError = `health check ${target} failed: ${toError(error).message}`;
    }
    return false;
  }

  private async call(method: string, path: string, body: unknown, abortable: boolean): Promise<Response> {
    const headers: Record<string, string> = {};
    if (body !== undefined) headers["content-type"] = "application/json";
    if (this.options.token !== undefined) headers.authorization = `Bearer ${this.options.token}`;
    const timeout = AbortSignal.timeout(this.timeoutMs);
    return fetch(`${this.registryUrl}${path}`, {
      method,
      headers,
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      signal: abortable ? AbortSignal.any([this.aborter.signal, timeout]) : timeout,
    });
  }

  private sleep(ms: number): Promise<void> {
    if (this.stopping) return Promise.resolve();
    return new Promise((resolve) => {
      const finish = () => {
        this.wake = undefined;
        resolve();
      };
      const timer = this.clock.setTimeout(finish, ms);
      this.wake = () => {
        this.clock.clearTimeout(timer);
        finish();
      };
    });
  }

  /** Moves to `state`, logging only when it changes. */
  private note(state: RegistrationState, reason?: string): void {
    if (state === this.state) return;
    this.state = state;
    const fields = { name: this.options.name, id: this.id, state, ...(reason === undefined ? {} : { reason }) };
    const message = MESSAGES[state];
    if (state === "unhealthy" || state === "registry-unreachable") this.options.log?.warn(fields, message);
    else this.options.log?.info(fields, message);
  }
}

const MESSAGES: Record<RegistrationState, string> = {
  "waiting-for-health": "sidecar: waiting for the service's health check",
  registering: "sidecar: registering",
  registered: "sidecar: registered; heartbeating",
  unhealthy: "sidecar: the service's health check fails; heartbeats stop until it passes",
  "registry-unreachable": "sidecar: the registry is unreachable or failing; retrying with backoff",
  deregistering: "sidecar: deregistering",
  stopped: "sidecar: stopped",
};
