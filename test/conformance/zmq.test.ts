import type { ZmqTransportConfig } from "../../src/transports/transport-config.js";
import { silentLogger } from "../../src/common/logger.js";
import { createTransport } from "../../src/transports/create-transport.js";
import { busOpener, type ConformanceHarness } from "./conformance-harness.js";
import { describeTransportConformance } from "./transport-conformance.js";
import { startTestProxy } from "./zmq-proxy-kit.js";

/**
 * Every bus gets its own ZmqTransport (its own PUB and SUB sockets, as a separate process would)
 * connected to one project XSUB/XPUB proxy on ephemeral loopback ports. High-water marks are raised
 * so the 1,000-message order test measures ordering, not the (counted) at-most-once drops.
 */
async function zmqHarness(): Promise<ConformanceHarness> {
  const proxy = await startTestProxy();
  const config: ZmqTransportConfig = {
    kind: "zmq",
    xsub: proxy.xsub,
    xpub: proxy.xpub,
    sendHighWaterMark: 100_000,
    receiveHighWaterMark: 100_000,
  };
  const buses = busOpener((name) => createTransport(config, { log: silentLogger(), source: name }));
  return {
    openBus: buses.openBus,
    async cleanup() {
      await buses.closeAll();
      await proxy.stop();
    },
    features: {
      groupsAcrossBuses: false, // zmq queue groups are shared among the subscriptions of one process only
      restartPeer: () => proxy.restart(),
      groupResume: {
        skip: "n/a for zmq: pub/sub keeps no state, so there is nothing to resume; a restarted proxy is covered by the reconnect test",
      },
      incomingContracts: true,
    },
  };
}

describeTransportConformance("zmq", zmqHarness, { waitMs: 8_000 });
