import { XPublisher, XSubscriber } from "zeromq";
import { bindOrExplain, errorCode } from "./bind-or-explain.js";
import { ConnectionCounter } from "./connection-counter.js";
import { waitUntilReleased } from "./endpoint-holder.js";
import type { CountingStats, ForwarderOptions, ProxyForwarder } from "./proxy-forwarder.js";

/**
 * The proxy's `counting` mode: the XSUB/XPUB forwarder written as two receive loops in JavaScript
 * rather than libzmq's own loop (see NativeProxy), so that every message and its bytes can be
 * counted; each message then crosses into JavaScript and back, which costs several times the CPU.
 * Subscriptions flow upstream (XPUB → XSUB), messages downstream (XSUB → XPUB); frames pass
 * through untouched, so pyzmq clients see exactly what they would with `zmq.proxy`.
 */
export class XsubXpubForwarder implements ProxyForwarder {
  private readonly counts = { messages: 0, bytes: 0, subscriptions: 0, unsubscriptions: 0, fullPauses: 0 };
  /** The configured endpoints until both are bound, then the bound ones (real ports). */
  private resolved: { xsub: string; xpub: string };
  private readonly frontend: XSubscriber;
  private readonly backend: XPublisher;
  private readonly publishers: ConnectionCounter;
  private readonly subscribers: ConnectionCounter;
  private stopped = false;
  private loops: Promise<void> | undefined;
  /** Endpoints actually bound (ports resolved), to wait for their release on stop. */
  private readonly bound: string[] = [];

  private constructor(options: ForwarderOptions) {
    this.resolved = { xsub: options.xsub, xpub: options.xpub };
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
    this.publishers = new ConnectionCounter(this.frontend);
    this.subscribers = new ConnectionCounter(this.backend);
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
    forwarder.resolved = { xsub: forwarder.bound[0] ?? options.xsub, xpub: forwarder.bound[1] ?? options.xpub };
    forwarder.loops = Promise.all([forwarder.downstream(), forwarder.upstream()]).then(() => undefined);
    return forwarder;
  }

  /** The bound endpoints (with the real port when the config asked for `:*`). */
  get endpoints(): { xsub: string; xpub: string } {
    return { ...this.resolved };
  }

  get stats(): CountingStats {
    return {
      mode: "counting",
      ...this.endpoints,
      connections: { publishers: this.publishers.connected, subscribers: this.subscribers.connected },
      ...this.counts,
    };
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
      this.counts.messages++;
      this.counts.bytes += bytes;
      if (!(await this.send(this.backend, message))) return;
    }
  }

  /** Subscriber (un)subscriptions → publishers: first byte 1 subscribes, 0 unsubscribes. */
  private async upstream(): Promise<void> {
    for (;;) {
      const message = await this.receive(this.backend);
      if (message === undefined) return;
      const first = message[0]?.[0];
      if (first === 1) this.counts.subscriptions++;
      else if (first === 0) this.counts.unsubscriptions++;
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
        this.counts.fullPauses++;
        pauses++;
        await new Promise<void>((resolve) => (pauses < 2 ? setImmediate(resolve) : setTimeout(resolve, 1)));
      }
    }
  }
}
