import { ConfigError } from "../common/config-error.js";
import type { ConfigIssue } from "../common/config-error.js";
import { fallbackLogger } from "../common/fallback-logger.js";
import type { Logger } from "../common/logger.js";
import type { Metrics } from "../common/metrics.js";
import { resolveBusConfig, resolveContractsConfig } from "./bus/bus-config.js";
import type { BusConfig, ContractsConfig, ResolvedBusConfig, ResolvedContractsConfig } from "./bus/bus-config.js";
import { loadContracts } from "./bus/contracts.js";
import { MessageBus } from "./bus/message-bus.js";
import type { BlobStore } from "./bus/claim-check/blob-store.js";
import { openBlobStore } from "./bus/claim-check/open-blob-store.js";
import { buildTransport } from "./create-transport.js";
import { DEFAULT_SOURCE } from "./default-source.js";
import { resolveTransportConfig } from "./transport-config.js";
import type { ResolvedTransportConfig, TransportConfig } from "./transport-config.js";
import type { Transport } from "./transport.js";

/** The sections of a config that a Bus is built from, as users write them. */
export interface OpenBusConfig {
  transport: TransportConfig;
  /** Mailbox, outbox and payload bounds; absent = every default. */
  bus?: BusConfig;
  /** Contracts to enforce (a relative `dir` against the working directory); absent = none. */
  contracts?: ContractsConfig;
}

/** The same sections, resolved (a runtime's loaded config). */
export interface ResolvedOpenBusConfig {
  transport: ResolvedTransportConfig;
  bus: ResolvedBusConfig;
  /** Contracts to enforce; absent = none. */
  contracts?: ResolvedContractsConfig;
}

/** Who the Bus speaks for and where it reports. */
export interface OpenBusContext {
  /** Default `envelope.source`, the name in consumer names and of wrapped foreign messages. Default `plexus`. */
  source?: string;
  /** Default: warnings and errors to stderr (`PLEXUS_LOG_LEVEL` sets another level). */
  log?: Logger;
  metrics?: Metrics;
  /**
   * A transport built by the caller, used instead of building one from `config.transport`. The
   * Bus owns it from here on: closing the Bus (or a failed open) closes it.
   */
  transport?: Transport;
  /**
   * Cancels the open: a connect still waiting (e.g. for a route through a zmq proxy) gives up,
   * what was opened is closed, and the open rejects with the signal's reason.
   */
  signal?: AbortSignal;
  /**
   * What a relative `bus.claimCheck.dir` is resolved against (the runtime passes
   * `runtime.stateDir`). Default `.plexus` under the working directory.
   */
  stateDir?: string;
}

/**
 * Opens a started Bus from config sections written in code — `openBus({ transport: { kind:
 * "redis", url } })` — with the schema's defaults and checks applied as for a config file. For a
 * service that only publishes and subscribes, without a runtime.
 * @throws ConfigError (code `CONFIG_INVALID`) naming each bad key path, before anything is opened.
 */
export async function openBus(config: OpenBusConfig, context: OpenBusContext = {}): Promise<MessageBus> {
  return openResolvedBus(resolveOpenBusConfig(config), context);
}

/** Resolves every section, reporting the problems of all of them in one error. */
function resolveOpenBusConfig(config: OpenBusConfig): ResolvedOpenBusConfig {
  const caller = "openBus";
  const issues: ConfigIssue[] = [];
  const attempt = <T>(resolve: () => T): T | undefined => {
    try {
      return resolve();
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      issues.push(...error.issues);
      return undefined;
    }
  };
  const transport = attempt(() => resolveTransportConfig(config.transport, { caller }));
  const bus = attempt(() => resolveBusConfig(config.bus, { caller }));
  const contracts = config.contracts && attempt(() => resolveContractsConfig(config.contracts ?? {}, process.cwd(), { caller }));
  if (transport === undefined || bus === undefined || issues.length > 0) throw new ConfigError(issues, undefined, { caller });
  return { transport, bus, ...(contracts === undefined ? {} : { contracts }) };
}

/**
 * Opens a Bus from resolved sections: contracts → transport → MessageBus → start. The runtime and
 * the clients that work without a runtime (`plexus pub/sub -c`, `plexus doctor`) all open their
 * bus here. When starting fails, what was opened is closed before the error is rethrown, so a
 * failed open holds no socket or connection.
 */
export async function openResolvedBus(config: ResolvedOpenBusConfig, context: OpenBusContext = {}): Promise<MessageBus> {
  const source = context.source ?? DEFAULT_SOURCE;
  const log = context.log ?? fallbackLogger();
  const contracts = config.contracts
    ? await loadContracts(config.contracts.dir, config.contracts.mode).catch(async (error: unknown) => {
        await context.transport?.close().catch(() => undefined);
        throw error;
      })
    : undefined;
  const transport =
    context.transport ??
    (await buildTransport(config.transport, { log: log.child({ component: "transport" }), source, maxDepth: config.bus.maxDepth }));
  let blobStore: BlobStore | undefined;
  if (config.bus.claimCheck?.enabled === true) {
    try {
      blobStore = await openBlobStore(
        config.bus.claimCheck,
        config.transport,
        context.stateDir ?? ".plexus",
        log.child({ component: "claim-check" }),
      );
    } catch (error) {
      await transport.close().catch(() => undefined);
      throw error;
    }
  }
  const bus = new MessageBus({
    transport,
    ...(blobStore ? { blobStore } : {}),
    source,
    log: log.child({ component: "bus" }),
    bounds: config.bus,
    ...(context.metrics ? { metrics: context.metrics } : {}),
    ...(contracts ? { contracts } : {}),
  });
  try {
    context.signal?.throwIfAborted();
    await bus.start(context.signal ? { signal: context.signal } : {});
  } catch (error) {
    await bus.close().catch(() => undefined);
    throw error;
  }
  return bus;
}
