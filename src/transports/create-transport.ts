import type { ResolvedTransportConfig } from "./transport-config.js";
import type { Logger } from "../common/logger.js";
import { MemoryTransport } from "./memory/transport.js";
import type { Transport } from "./transport.js";

/** Who a transport speaks for and where it logs. */
export interface TransportFactoryContext {
  log: Logger;
  /** Name recorded as the source of wrapped foreign messages and in consumer names. */
  source: string;
}

/**
 * Builds the transport a config names. Network transports are imported lazily so that an
 * embedder on the memory transport never loads the ZeroMQ native module or a Redis client.
 */
export async function createTransport(config: ResolvedTransportConfig, context: TransportFactoryContext): Promise<Transport> {
  switch (config.kind) {
    case "memory":
      return new MemoryTransport();
    case "zmq": {
      const { ZmqTransport } = await import("./zmq/transport.js");
      return new ZmqTransport(config, {
        ...context,
        ...(config.batchFrames === undefined ? {} : { batchFrames: config.batchFrames }),
        ...(config.connectWaitMs === undefined ? {} : { connectWaitMs: config.connectWaitMs }),
      });
    }
    case "redis": {
      const { RedisTransport } = await import("./redis/transport.js");
      return new RedisTransport(config, context);
    }
  }
}
