import { randomUUID } from "node:crypto";

/** Prefix of the private topics route probes travel on. */
export const PROBE_TOPIC_PREFIX = "_plexus.probe.";

/** What a prober needs from the transport's sockets. */
export interface ProbeSockets {
  /** SUB-subscribes to an exact probe topic. */
  subscribe(topic: string): void;
  unsubscribe(topic: string): void;
  /** Sends `[topic, "{}"]` through the publisher (ahead of queued data). */
  send(topic: string): void;
}

/**
 * Proves that subscriptions made so far have reached the proxy: it subscribes to a private topic
 * and publishes on it until the message comes back. libzmq sends a socket's subscriptions in
 * order on one connection, so when the probe's own subscription has been honoured, every earlier
 * one has reached the proxy too (the slow-joiner problem, solved by asking rather than sleeping).
 *
 * A success also proves the publisher is connected and holds every subscription the proxy had,
 * which is why it marks the route "confirmed" for unrouted-publish accounting.
 */
export class RouteProber {
  private readonly pending = new Map<string, () => void>();
  /** Probe round trips that succeeded / gave up. */
  succeeded = 0;
  timedOut = 0;

  constructor(private readonly sockets: ProbeSockets) {}

  /** True when `topic` is a probe topic (never delivered to subscriptions). */
  static isProbeTopic(topic: string): boolean {
    return topic.startsWith(PROBE_TOPIC_PREFIX);
  }

  /** Called by the receive loop for every probe-topic message. */
  arrived(topic: string): void {
    this.pending.get(topic)?.();
  }

  /** Resolves true once a probe came back, false after `timeoutMs` or when `signal` aborts. */
  async probe(timeoutMs: number, signal?: AbortSignal): Promise<boolean> {
    const topic = `${PROBE_TOPIC_PREFIX}${randomUUID()}`;
    let cameBack = false;
    let wake: (() => void) | undefined;
    this.pending.set(topic, () => {
      cameBack = true;
      wake?.();
    });
    this.sockets.subscribe(topic);
    try {
      const deadline = Date.now() + timeoutMs;
      let intervalMs = 2;
      while (!cameBack && Date.now() < deadline && signal?.aborted !== true) {
        this.sockets.send(topic);
        await new Promise<void>((resolve) => {
          wake = resolve;
          const timer = setTimeout(resolve, Math.min(intervalMs, Math.max(1, deadline - Date.now())));
          timer.unref();
        });
        // Back off so a missing proxy costs a few messages per second, not a busy loop.
        intervalMs = Math.min(intervalMs * 2, 200);
      }
    } finally {
      this.pending.delete(topic);
      this.sockets.unsubscribe(topic);
    }
    if (cameBack) this.succeeded++;
    else this.timedOut++;
    return cameBack;
  }
}
