import { XsubXpubForwarder } from "../../src/actors/proxy/xsub-xpub-forwarder.js";
import { waitFor } from "../helpers/wait.js";

/** The project's XSUB/XPUB proxy on ephemeral loopback ports, restartable on the same endpoints. */
export interface TestProxy {
  /** Where publishers connect (the real port, read from the bound socket). */
  readonly xsub: string;
  /** Where subscribers connect. */
  readonly xpub: string;
  /** Stops the proxy and binds the same endpoints again, as a restarted proxy process would. */
  restart(): Promise<void>;
  /** Stops it; idempotent. */
  stop(): Promise<void>;
}

/** Starts a proxy bound to `tcp://127.0.0.1:*` on both sides. */
export async function startTestProxy(): Promise<TestProxy> {
  let forwarder = await XsubXpubForwarder.start({
    xsub: "tcp://127.0.0.1:*",
    xpub: "tcp://127.0.0.1:*",
    sendHighWaterMark: 100_000,
    receiveHighWaterMark: 100_000,
  });
  const { xsub, xpub } = forwarder.endpoints;
  return {
    xsub,
    xpub,
    async restart() {
      await forwarder.stop();
      // libzmq releases a closed socket's port in its I/O thread, a moment after close() returns,
      // so an immediate rebind can meet EADDRINUSE: retry, as a supervisor's backoff would.
      forwarder = await waitFor(
        () => XsubXpubForwarder.start({ xsub, xpub, sendHighWaterMark: 100_000, receiveHighWaterMark: 100_000 }),
        `the proxy to bind ${xsub} and ${xpub} again`,
        5_000,
        50,
      );
    },
    stop: () => forwarder.stop(),
  };
}
