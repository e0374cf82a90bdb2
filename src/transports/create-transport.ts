import { fallbackLogger } from "../common/fallback-logger.js";
import type { Logger } from "../common/logger.js";
import { DEFAULT_SOURCE } from "./default-source.js";
import { resolveTransportConfig } from "./transport-config.js";
import type { ResolvedTransportConfig, TransportConfig } from "./transport-config.js";
import { MemoryTransport } from "./memory/transport.js";
import type { Transport } from "./transport.js";

/** Who a transport works for and where it logs. */
export interface TransportFactoryContext {
  /** Default: warnings and errors to stderr (`PLEXUS_LOG_LEVEL` sets another level). */
  log?: Logger;
  /** Name recorded as the source of wrapped foreign messages and in consumer names. Default `plexus`. */
  source?: string;
  /**
   * Deepest nesting accepted in a received message: the bus section's `maxDepth` (an opened Bus
   * passes its own). Default: the schema's.
   */
  maxDepth?: number;
}

/**
 * Builds the transport a `transport` section names, after applying the schema's defaults and
 * checks exactly as a config file gets them: `createTransport({ kind: "redis", url })` is enough.
 * Network transports are imported lazily, so an embedder on the memory transport never loads the
 * ZeroMQ native module or a Redis client. The transport is not connected yet (`connect()` does,
 * or a MessageBus's `start()`).
 * @throws ConfigError (code `CONFIG_INVALID`) naming each bad key, e.g.
 *   `createTransport: transport.maxLen: expected an integer, got "x"`.
 */
export function createTransport(input: TransportConfig, context: TransportFactoryContext = {}): Promise<Transport> {
  try {
    return buildTransport(resolveTransportConfig(input, { caller: "createTransport" }), context);
  } catch (error) {
    return Promise.reject(error);
  }
}

/** Builds the transport of an already resolved section (the runtime's loaded config). */
export async function buildTransport(config: ResolvedTransportConfig, context: TransportFactoryContext = {}): Promise<Transport> {
  const backendContext = {
    log: context.log ?? fallbackLogger(),
    source: context.source ?? DEFAULT_SOURCE,
    ...(context.maxDepth === undefined ? {} : { maxDepth: context.maxDepth }),
  };
  switch (config.kind) {
    case "memory":
      return new MemoryTransport();
    case "zmq": {
      const { ZmqTransport } = await import("./zmq/transport.js");
      return new ZmqTransport(config, {
        ...backendContext,
        ...(config.batchFrames === undefined ? {} : { batchFrames: config.batchFrames }),
        ...(config.connectWaitMs === undefined ? {} : { connectWaitMs: config.connectWaitMs }),
      });
    }
    case "redis": {
      const { RedisTransport } = await import("./redis/transport.js");
      return new RedisTransport(config, backendContext);
    }
  }
}
