import { randomBytes } from "node:crypto";
import { hostname } from "node:os";
import type { ResolvedConfig } from "./config/plexus-config.js";
import { PlexusError } from "../common/errors.js";
import type { Logger } from "../common/logger.js";
import type { MessageBus } from "../transports/bus/message-bus.js";
import type { Bus, BusStats, Handler, PublishOptions, RequestOptions, SubscribeOptions, Subscription } from "../transports/bus/bus.js";
import { openResolvedBus } from "../transports/open-bus.js";
import type { Envelope } from "../transports/envelope.js";

/** How a direct client presents itself and what it applies. */
export interface DirectBusOptions {
  log: Logger;
  /** Recorded as `envelope.source` and the base of subscriber names. Default `plexus-cli`. */
  name?: string;
  /** Apply the config's contracts (publishes rejected in `enforce` mode). Default true. */
  contracts?: boolean;
  /**
   * Allow the memory transport (an in-process bus nobody else can see). Only for callers that
   * want a private bus on purpose, such as `plexus doctor`'s round trip; the CLI never sets it.
   */
  allowMemory?: boolean;
}

/** A Bus on a config's transport, opened without a runtime. */
export interface DirectBus {
  bus: Bus;
  /**
   * Waits up to `timeoutMs` for the outbox to empty, i.e. for every publish so far to be handed to
   * the transport (publishes wait there while it is unreachable). Resolves with how many did not
   * make it: those still waiting plus those the outbox dropped on overflow. Closing discards the
   * rest, so a client that must not lose messages settles first and reports what is left.
   */
  settle(timeoutMs: number): Promise<{ undelivered: number }>;
  /** Unsubscribes, flushes pending publishes, closes the transport and removes throwaway groups. */
  close(): Promise<void>;
}

/** How often `settle` looks at the outbox while it waits. */
const SETTLE_POLL_MS = 20;

/**
 * Opens a Bus on `config.transport` without starting a runtime, for `plexus pub -c FILE` and
 * `plexus sub -c FILE [--group G]`: the same MessageBus (contracts, dead letters, outbox) the
 * runtime would use, connected to the same proxy or Redis.
 *
 * Subscriptions without an explicit `subscriber` get one unique to this client. On redis a
 * subscription without a `group` is read through a group named after that subscriber; such
 * throwaway groups are destroyed on close, so a `plexus sub` session leaves no consumer group
 * behind to hold pending entries (and trip the trim guard) forever. An explicit `--group` is kept,
 * so the next session with that group resumes where this one stopped.
 *
 * Throws PlexusError `DIRECT_MEMORY_TRANSPORT` for the memory transport: it lives inside the
 * process of the runtime that hosts it, so only that runtime's ops server can reach it.
 */
export async function openDirectBus(config: ResolvedConfig, options: DirectBusOptions): Promise<DirectBus> {
  if (config.transport.kind === "memory" && options.allowMemory !== true) {
    const ops = config.runtime.ops;
    const where = config.source ? ` in ${config.source}` : "";
    throw new PlexusError(
      "DIRECT_MEMORY_TRANSPORT",
      `the memory transport${where} is in-process: only the runtime hosting it can reach it. ` +
        `Go through that runtime's ops server instead: --url http://${ops.host}:${ops.port} (start it with plexus start${config.source ? ` -c ${config.source}` : ""}).`,
      { retryable: false },
    );
  }
  const source = options.name ?? "plexus-cli";
  const log = options.log.child({ client: source });
  const bus = await openResolvedBus(
    {
      transport: config.transport,
      bus: config.bus,
      ...(options.contracts !== false && config.contracts ? { contracts: config.contracts } : {}),
    },
    { source, log, stateDir: config.runtime.stateDir },
  );
  const subscriberBase = `${source}-${hostname()}-${process.pid}-${randomBytes(3).toString("hex")}`;
  const client = new DirectClientBus(bus, subscriberBase);
  let closing: Promise<void> | undefined;
  return {
    bus: client,
    settle: (timeoutMs) => settleOutbox(bus, timeoutMs),
    close: () => (closing ??= bus.close()),
  };
}

/** See {@link DirectBus.settle}. */
async function settleOutbox(bus: MessageBus, timeoutMs: number): Promise<{ undelivered: number }> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { depth, dropped } = bus.stats().outbox;
    if (depth === 0 || Date.now() >= deadline) return { undelivered: depth + dropped };
    await new Promise((resolve) => setTimeout(resolve, Math.min(SETTLE_POLL_MS, Math.max(1, deadline - Date.now()))));
  }
}

/**
 * The Bus handed to direct-client users: gives every subscription a subscriber name unique to this
 * client, and makes subscriptions without an explicit group ephemeral, so a `plexus sub` session
 * leaves no consumer group behind to hold pending entries (and trip the trim guard) forever. An
 * explicit `--group` stays durable, so the next session with that group resumes where this one stopped.
 */
class DirectClientBus implements Bus {
  private counter = 0;

  constructor(
    private readonly inner: MessageBus,
    private readonly subscriberBase: string,
  ) {}

  publish<P>(topic: string, payload: P, options?: PublishOptions): Promise<Envelope<P>> {
    return this.inner.publish(topic, payload, options);
  }

  subscribe<P = unknown>(pattern: string, handler: Handler<P>, options: SubscribeOptions = {}): Promise<Subscription> {
    const subscriber = options.subscriber ?? `${this.subscriberBase}-${++this.counter}`;
    return this.inner.subscribe(pattern, handler, { ...options, subscriber, ...(options.group === undefined ? { ephemeral: true } : {}) });
  }

  request<R = unknown, P = unknown>(topic: string, payload: P, options?: RequestOptions): Promise<R> {
    return this.inner.request<R, P>(topic, payload, options);
  }

  stats(): BusStats {
    return this.inner.stats();
  }
}
