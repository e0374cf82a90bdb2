import { Proxy, XPublisher, XSubscriber } from "zeromq";
import { bindOrExplain } from "./bind-or-explain.js";
import { ConnectionCounter } from "./connection-counter.js";
import { waitUntilReleased } from "./endpoint-holder.js";
import type { ForwarderOptions, NativeStats, ProxyForwarder } from "./proxy-forwarder.js";
import { SubscriptionTap } from "./subscription-tap.js";

/** How long stop waits for libzmq's proxy loop to end (see {@link NativeProxy.stop}). */
const TERMINATE_TIMEOUT_MS = 5_000;

/**
 * The XSUB/XPUB proxy run by libzmq itself (zeromq.js's `Proxy`: zmq_proxy_steerable on a libuv
 * worker thread), as pyzmq's `zmq.proxy()` does: messages never enter JavaScript, which is what
 * makes it as fast and as cheap as the C proxy. The price is that messages and bytes cannot be
 * counted; connections (monitor events) and subscriptions (a {@link SubscriptionTap}) still are.
 */
export class NativeProxy implements ProxyForwarder {
  private readonly frontend: XSubscriber;
  private readonly backend: XPublisher;
  private readonly bound: { xsub: string; xpub: string };
  private readonly publishers: ConnectionCounter;
  private readonly subscribers: ConnectionCounter;
  private readonly tap: SubscriptionTap;
  private readonly proxy: Proxy<XSubscriber, XPublisher>;
  private readonly running: Promise<void>;
  private stopping = false;
  private stopped: Promise<void> | undefined;
  /**
   * A process that exits while libzmq's loop still holds the sockets never finishes exiting:
   * zeromq.js's teardown waits for those sockets, which only the loop's end would close. So the
   * loop is told to terminate on the way out, whatever the exit path (a fatal error, process.exit).
   */
  private readonly terminateOnExit = (): void => {
    try {
      this.proxy.terminate();
    } catch {
      // already ended
    }
  };

  private constructor(
    sockets: { frontend: XSubscriber; backend: XPublisher },
    bound: { xsub: string; xpub: string },
    tap: SubscriptionTap,
  ) {
    this.frontend = sockets.frontend;
    this.backend = sockets.backend;
    this.bound = bound;
    this.tap = tap;
    this.publishers = new ConnectionCounter(this.frontend);
    this.subscribers = new ConnectionCounter(this.backend);
    this.proxy = new Proxy(this.frontend, this.backend);
    this.running = this.proxy.run().then(() => {
      // libzmq's loop returns only when told to terminate; anything else is a failure to report.
      if (!this.stopping) throw new Error("the native ZeroMQ proxy ended without being stopped");
    });
    this.running.catch(() => undefined);
    process.on("exit", this.terminateOnExit);
    void this.running.catch(() => undefined).then(() => process.off("exit", this.terminateOnExit));
  }

  /**
   * Binds both endpoints and starts libzmq's proxy. Rejects with EndpointInUseError (naming the
   * holder when /proc shows it) when either endpoint is taken; nothing stays bound in that case.
   */
  static async start(options: ForwarderOptions): Promise<NativeProxy> {
    // The same socket options as the counting forwarder: only the loop that moves messages differs.
    // linger 0: a stopped proxy must release its ports at once so a restart can rebind.
    const frontend = new XSubscriber({
      linger: 0,
      receiveHighWaterMark: options.receiveHighWaterMark ?? 10_000,
      sendHighWaterMark: options.sendHighWaterMark ?? 10_000,
    });
    const backend = new XPublisher({
      linger: 0,
      noDrop: options.noDrop ?? false,
      sendHighWaterMark: options.sendHighWaterMark ?? 10_000,
      receiveHighWaterMark: options.receiveHighWaterMark ?? 10_000,
    });
    const bound: string[] = [];
    let tap: SubscriptionTap | undefined;
    try {
      await bindOrExplain(frontend, options.xsub);
      bound.push(frontend.lastEndpoint ?? options.xsub);
      await bindOrExplain(backend, options.xpub);
      bound.push(backend.lastEndpoint ?? options.xpub);
      tap = await SubscriptionTap.attach(frontend);
      return new NativeProxy({ frontend, backend }, { xsub: bound[0] as string, xpub: bound[1] as string }, tap);
    } catch (error) {
      tap?.close();
      for (const socket of [frontend, backend]) if (!socket.closed) socket.close();
      for (const endpoint of bound) await waitUntilReleased(endpoint, 1_000);
      throw error;
    }
  }

  get endpoints(): { xsub: string; xpub: string } {
    return { ...this.bound };
  }

  get stats(): NativeStats {
    return {
      mode: "native",
      ...this.bound,
      connections: { publishers: this.publishers.connected, subscribers: this.subscribers.connected },
      subscriptions: this.tap.subscriptions,
      unsubscriptions: this.tap.unsubscriptions,
      uncounted: ["messages", "bytes"],
    };
  }

  get done(): Promise<void> {
    return this.running;
  }

  /**
   * Tells libzmq's loop to terminate (it closes both sockets, linger 0) and resolves once the
   * ports are free. With `noDrop`, libzmq's loop waits inside its send while a subscriber's queue
   * is full, and only sees the terminate command after that send; so stop rejects after 5 s if a
   * subscriber stays stalled that long, and the endpoints stay bound until it reads or disconnects.
   */
  stop(): Promise<void> {
    this.stopped ??= this.terminate();
    return this.stopped;
  }

  private async terminate(): Promise<void> {
    this.stopping = true;
    try {
      this.proxy.terminate();
    } catch {
      // EBADF: the loop already ended (and `done` says why).
    }
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<"timeout">((resolve) => (timer = setTimeout(() => resolve("timeout"), TERMINATE_TIMEOUT_MS)));
    const outcome = await Promise.race([
      this.running.then(
        () => "ended" as const,
        () => "ended" as const,
      ),
      timeout,
    ]);
    clearTimeout(timer);
    this.tap.close();
    if (outcome === "timeout") {
      throw new Error(
        `the native ZeroMQ proxy on ${this.bound.xsub} / ${this.bound.xpub} did not stop within ${TERMINATE_TIMEOUT_MS / 1000} s: with noDrop it waits for a subscriber that is not reading`,
      );
    }
    await waitUntilReleased(this.bound.xsub, 1_000);
    await waitUntilReleased(this.bound.xpub, 1_000);
  }
}
