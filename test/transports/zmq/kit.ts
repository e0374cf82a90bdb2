import { XsubXpubForwarder } from "../../../src/actors/proxy/xsub-xpub-forwarder.js";
import type { ResolvedZmqTransportConfig } from "../../../src/transports/transport-config.js";
import { silentLogger } from "../../../src/common/logger.js";
import type { Envelope } from "../../../src/transports/envelope.js";
import { ZmqTransport, type ZmqTransportContext } from "../../../src/transports/zmq/transport.js";

/** Starts a proxy on ephemeral loopback ports and returns it with its real endpoints. */
export async function startProxy(
  options: { noDrop?: boolean; hwm?: number; xsub?: string; xpub?: string } = {},
): Promise<{ proxy: XsubXpubForwarder; xsub: string; xpub: string }> {
  const proxy = await XsubXpubForwarder.start({
    xsub: options.xsub ?? "tcp://127.0.0.1:*",
    xpub: options.xpub ?? "tcp://127.0.0.1:*",
    ...(options.noDrop !== undefined ? { noDrop: options.noDrop } : {}),
    ...(options.hwm !== undefined ? { sendHighWaterMark: options.hwm, receiveHighWaterMark: options.hwm } : {}),
  });
  return { proxy, ...proxy.endpoints };
}

export function zmqConfig(
  endpoints: { xsub: string; xpub: string },
  overrides: Partial<ResolvedZmqTransportConfig> = {},
): ResolvedZmqTransportConfig {
  return {
    kind: "zmq",
    xsub: endpoints.xsub,
    xpub: endpoints.xpub,
    noDrop: false,
    sendHighWaterMark: 10_000,
    receiveHighWaterMark: 10_000,
    ...overrides,
  };
}

/** A connected transport; closed by the returned `close` list owner. */
export async function openTransport(
  config: ResolvedZmqTransportConfig,
  context: Partial<ZmqTransportContext> = {},
  events?: Parameters<ZmqTransport["connect"]>[0],
): Promise<ZmqTransport> {
  const transport = new ZmqTransport(config, { log: silentLogger(), source: "test", connectWaitMs: 3_000, closeFlushMs: 200, ...context });
  await transport.connect(events);
  return transport;
}

/** A subscription collecting what it receives. */
export function collector(): { received: Envelope[]; deliver: (envelope: Envelope) => void } {
  const received: Envelope[] = [];
  return { received, deliver: (envelope) => void received.push(envelope) };
}
