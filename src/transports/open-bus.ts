import type { Logger } from "../common/logger.js";
import type { Metrics } from "../common/metrics.js";
import type { ResolvedBusConfig, ResolvedContractsConfig } from "./bus/bus-config.js";
import { loadContracts } from "./bus/contracts.js";
import { MessageBus } from "./bus/message-bus.js";
import { createTransport } from "./create-transport.js";
import type { ResolvedTransportConfig } from "./transport-config.js";
import type { Transport } from "./transport.js";

/** The sections of a config that a Bus is built from. */
export interface OpenBusConfig {
  transport: ResolvedTransportConfig;
  bus: ResolvedBusConfig;
  /** Contracts to enforce; absent = none. */
  contracts?: ResolvedContractsConfig;
}

/** Who the Bus speaks for and where it reports. */
export interface OpenBusContext {
  /** Default `envelope.source`, the name in consumer names and of wrapped foreign messages. */
  source: string;
  log: Logger;
  metrics?: Metrics;
  /**
   * A transport built by the caller, used instead of building one from `config.transport`. The
   * Bus owns it from here on: closing the Bus (or a failed open) closes it.
   */
  transport?: Transport;
}

/**
 * Opens a Bus from config sections: contracts → transport → MessageBus → start. The runtime and
 * the clients that work without a runtime (`plexus pub/sub -c`, `plexus doctor`) all open their
 * bus here. When starting fails, what was opened is closed before the error is rethrown, so a
 * failed open holds no socket or connection.
 */
export async function openBus(config: OpenBusConfig, context: OpenBusContext): Promise<MessageBus> {
  const contracts = config.contracts
    ? await loadContracts(config.contracts.dir, config.contracts.mode).catch(async (error: unknown) => {
        await context.transport?.close().catch(() => undefined);
        throw error;
      })
    : undefined;
  const transport =
    context.transport ??
    (await createTransport(config.transport, { log: context.log.child({ component: "transport" }), source: context.source }));
  const bus = new MessageBus({
    transport,
    source: context.source,
    log: context.log.child({ component: "bus" }),
    defaults: config.bus,
    ...(context.metrics ? { metrics: context.metrics } : {}),
    ...(contracts ? { contracts } : {}),
  });
  try {
    await bus.start();
  } catch (error) {
    await bus.close().catch(() => undefined);
    throw error;
  }
  return bus;
}
