import { randomBytes } from "node:crypto";
import { hostname } from "node:os";
import type { PlexusConfig } from "../runtime/config-types.js";
import { PlexusError, toError } from "../runtime/errors.js";
import type { Logger } from "../runtime/logger.js";
import { MessageBus } from "./bus.js";
import type { Bus, BusStats, Handler, PublishOptions, RequestOptions, SubscribeOptions, Subscription } from "./bus-api.js";
import { loadContracts } from "./contracts.js";
import { createTransport } from "./create-transport.js";
import type { Envelope } from "./envelope.js";
import type { Transport } from "./transport.js";

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
  /** Unsubscribes, flushes pending publishes, closes the transport and removes throwaway groups. */
  close(): Promise<void>;
}

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
export async function openDirectBus(config: PlexusConfig, options: DirectBusOptions): Promise<DirectBus> {
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
  const contracts = options.contracts !== false && config.contracts ? await loadContracts(config.contracts.dir, config.contracts.mode) : undefined;
  const transport = await createTransport(config.transport, { log: log.child({ component: "transport" }), source });
  const bus = new MessageBus({ transport, source, log: log.child({ component: "bus" }), defaults: config.bus, ...(contracts ? { contracts } : {}) });
  try {
    await bus.start();
  } catch (error) {
    await bus.close().catch(() => undefined);
    throw error;
  }
  const subscriberBase = `${source}-${hostname()}-${process.pid}-${randomBytes(3).toString("hex")}`;
  const client = new DirectClientBus(bus, transport, subscriberBase);
  let closing: Promise<void> | undefined;
  return {
    bus: client,
    close: () => {
      closing ??= (async () => {
        client.captureThrowawayGroups();
        await bus.close();
        await destroyRedisGroups(config, client.throwawayGroups, log);
      })();
      return closing;
    },
  };
}

/** The live redis consumers of a transport, when it is a RedisTransport (read structurally to keep redis optional). */
type ConsumerView = { settings: { group: string }; streamKeys: readonly string[] };

/**
 * The Bus handed to direct-client users: gives subscriptions a subscriber name unique to this
 * client, and remembers the redis groups named after those subscribers (subscriptions without an
 * explicit group) with the streams they read, so close() can destroy them.
 */
class DirectClientBus implements Bus {
  /** Throwaway group → streams it was created on. */
  readonly throwawayGroups = new Map<string, Set<string>>();
  private counter = 0;

  constructor(
    private readonly inner: MessageBus,
    private readonly transport: Transport,
    private readonly subscriberBase: string,
  ) {}

  publish<P>(topic: string, payload: P, options?: PublishOptions): Promise<Envelope<P>> {
    return this.inner.publish(topic, payload, options);
  }

  async subscribe<P = unknown>(pattern: string, handler: Handler<P>, options: SubscribeOptions = {}): Promise<Subscription> {
    // One name per subscription: two subscriptions of this client must not share a redis group.
    const subscriber = options.subscriber ?? `${this.subscriberBase}-${++this.counter}`;
    const subscription = await this.inner.subscribe(pattern, handler, { ...options, subscriber });
    if (options.group !== undefined) return subscription;
    this.captureThrowawayGroups();
    return {
      pattern: subscription.pattern,
      unsubscribe: async () => {
        // Streams of a per-topic wildcard grow over time: take the latest list before it is gone.
        this.captureThrowawayGroups();
        await subscription.unsubscribe();
      },
    };
  }

  request<R = unknown, P = unknown>(topic: string, payload: P, options?: RequestOptions): Promise<R> {
    return this.inner.request<R, P>(topic, payload, options);
  }

  stats(): BusStats {
    return this.inner.stats();
  }

  /** Records the groups (and their streams) of this client's group-less redis subscriptions. */
  captureThrowawayGroups(): void {
    const live = (this.transport as { subscriptions?: () => readonly ConsumerView[] }).subscriptions;
    if (this.transport.kind !== "redis" || typeof live !== "function") return;
    for (const consumer of live.call(this.transport)) {
      const { group } = consumer.settings;
      // Groups named after our subscribers, i.e. not an explicit --group (those are kept to resume).
      if (!group.startsWith(this.subscriberBase)) continue;
      let streams = this.throwawayGroups.get(group);
      if (streams === undefined) this.throwawayGroups.set(group, (streams = new Set()));
      for (const stream of consumer.streamKeys) streams.add(stream);
    }
  }
}

/** XGROUP DESTROY for each throwaway group; a failure is logged (the group is harmless but idle), never thrown. */
async function destroyRedisGroups(config: PlexusConfig, groups: ReadonlyMap<string, ReadonlySet<string>>, log: Logger): Promise<void> {
  if (groups.size === 0 || config.transport.kind !== "redis") return;
  const { Redis } = await import("ioredis");
  const client = new Redis(config.transport.url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null, connectTimeout: 2_000, commandTimeout: 2_000 });
  client.on("error", () => {});
  try {
    await client.connect();
    for (const [group, streams] of groups) {
      for (const stream of streams) await client.xgroup("DESTROY", stream, group);
    }
  } catch (error) {
    log.warn(
      { err: toError(error).message, groups: [...groups.keys()] },
      "could not remove the throwaway consumer groups of this client; remove them with XGROUP DESTROY <stream> <group>",
    );
  } finally {
    client.disconnect();
  }
}
