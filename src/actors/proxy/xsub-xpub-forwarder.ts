import { XPublisher, XSubscriber } from "zeromq";
import { findEndpointHolder, waitUntilReleased } from "./endpoint-holder.js";
import { EndpointInUseError } from "./endpoint-in-use-error.js";

export interface ForwarderOptions {
  /** Endpoint publishers connect to (bound by an XSUB socket). */
  xsub: string;
  /** Endpoint subscribers connect to (bound by an XPUB socket). */
  xpub: string;
  /**
   * true: when a subscriber's queue is full the proxy waits (lossless, but one slow subscriber
   * slows everyone). false (default): libzmq drops for that subscriber only, as a plain proxy does.
   */
  noDrop?: boolean;
  /** Per-peer high-water marks (messages). Default 10,000 each. */
  sendHighWaterMark?: number;
  receiveHighWaterMark?: number;
}

/** Counters of one forwarder since it bound. */
export interface ForwarderStats {
  xsub: string;
  xpub: string;
  /** Messages forwarded publisher → subscribers, and their bytes (all frames). */
  messages: number;
  bytes: number;
  /** Subscribe / unsubscribe requests forwarded subscribers → publishers. */
  subscriptions: number;
  unsubscriptions: number;
  /** Times the XPUB socket was full (noDrop) and forwarding paused. */
  fullPauses: number;
}

function errorCode(error: unknown): string | undefined {
  return typeof error === "object" && error !== null ? (error as { code?: string }).code : undefined;
}

/**
 * The ZeroMQ XSUB/XPUB forwarder, written as two receive loops rather than zeromq.js's native
 * `Proxy` so that messages, bytes and subscriptions can be counted. Subscriptions flow upstream
 * (XPUB → XSUB), messages downstream (XSUB → XPUB); frames pass through untouched, so pyzmq
 * clients see exactly what they would with `zmq.proxy`.
 */
export class XsubXpubForwarder {
  readonly stats: ForwarderStats;
  private readonly frontend: XSubscriber;
  private readonly backend: XPublisher;
  private stopped = false;
  private loops: Promise<void> | undefined;
  /** Endpoints actually bound (ports resolved), to wait for their release on stop. */
  private readonly bound: string[] = [];

  private constructor(options: ForwarderOptions) {
    this.stats = { xsub: options.xsub, xpub: options.xpub, messages: 0, bytes: 0, subscriptions: 0, unsubscriptions: 0, fullPauses: 0 };
    // linger 0: a stopped proxy must release its ports at once so a restart can rebind.
    this.frontend = new XSubscriber({
      linger: 0,
      receiveHighWaterMark: options.receiveHighWaterMark ?? 10_000,
      sendHighWaterMark: options.sendHighWaterMark ?? 10_000,
    });
    this.backend = new XPublisher({
      linger: 0,
      noDrop: options.noDrop ?? false,
      sendHighWaterMark: options.sendHighWaterMark ?? 10_000,
      receiveHighWaterMark: options.receiveHighWaterMark ?? 10_000,
    });
  }

  /**
   * Binds both endpoints and starts forwarding. Rejects with {@link EndpointInUseError} (naming
   * the holder's pid and command line when /proc shows it) when either endpoint is taken; nothing
   * stays bound in that case.
   */
  static async start(options: ForwarderOptions): Promise<XsubXpubForwarder> {
    const forwarder = new XsubXpubForwarder(options);
    try {
      for (const [socket, endpoint] of [
        [forwarder.frontend, options.xsub],
        [forwarder.backend, options.xpub],
      ] as const) {
        await bindOrExplain(socket, endpoint);
        forwarder.bound.push(socket.lastEndpoint ?? endpoint);
      }
    } catch (error) {
      await forwarder.release();
      throw error;
    }
    forwarder.loops = Promise.all([forwarder.downstream(), forwarder.upstream()]).then(() => undefined);
    return forwarder;
  }

  /** The bound endpoints (with the real port when the config asked for `:*`). */
  get endpoints(): { xsub: string; xpub: string } {
    return { xsub: this.frontend.lastEndpoint ?? this.stats.xsub, xpub: this.backend.lastEndpoint ?? this.stats.xpub };
  }

  /**
   * Resolves when forwarding ends: after `stop()`, or with an error if a socket failed
   * unexpectedly (the actor then fails and its supervisor restarts it).
   */
  get done(): Promise<void> {
    return this.loops ?? Promise.resolve();
  }

  /**
   * Closes both sockets with linger 0 and resolves once their ports are free again, so a restart
   * can rebind at once. Idempotent.
   */
  async stop(): Promise<void> {
    if (this.stopped) return;
    await this.release();
    await this.loops?.catch(() => undefined);
  }

  private async release(): Promise<void> {
    this.stopped = true;
    for (const socket of [this.frontend, this.backend]) {
      if (!socket.closed) socket.close();
    }
    for (const endpoint of this.bound.splice(0)) await waitUntilReleased(endpoint, 1_000);
  }

  /** Publisher messages → subscribers. */
  private async downstream(): Promise<void> {
    for (;;) {
      const message = await this.receive(this.frontend);
      if (message === undefined) return;
      let bytes = 0;
      for (const frame of message) bytes += frame.length;
      this.stats.messages++;
      this.stats.bytes += bytes;
      if (!(await this.send(this.backend, message))) return;
    }
  }

  /** Subscriber (un)subscriptions → publishers: first byte 1 subscribes, 0 unsubscribes. */
  private async upstream(): Promise<void> {
    for (;;) {
      const message = await this.receive(this.backend);
      if (message === undefined) return;
      const first = message[0]?.[0];
      if (first === 1) this.stats.subscriptions++;
      else if (first === 0) this.stats.unsubscriptions++;
      if (!(await this.send(this.frontend, message))) return;
    }
  }

  private async receive(socket: XSubscriber | XPublisher): Promise<Buffer[] | undefined> {
    try {
      return await socket.receive();
    } catch (error) {
      if (this.stopped || socket.closed) return undefined;
      throw error;
    }
  }

  /** Sends, pausing while a noDrop XPUB is full. False once the forwarder stopped. */
  private async send(socket: XSubscriber | XPublisher, message: Buffer[]): Promise<boolean> {
    let pauses = 0;
    for (;;) {
      try {
        await socket.send(message);
        return true;
      } catch (error) {
        if (this.stopped || socket.closed) return false;
        if (errorCode(error) !== "EAGAIN") throw error;
        this.stats.fullPauses++;
        pauses++;
        await new Promise<void>((resolve) => (pauses < 2 ? setImmediate(resolve) : setTimeout(resolve, 1)));
      }
    }
  }
}

async function bindOrExplain(socket: XSubscriber | XPublisher, endpoint: string): Promise<void> {
  try {
    await socket.bind(endpoint);
  } catch (error) {
    if (errorCode(error) === "EADDRINUSE") throw new EndpointInUseError(endpoint, await findEndpointHolder(endpoint), error);
    throw error;
  }
}
