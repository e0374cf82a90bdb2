import type { Bus, Handler, PublishOptions, RequestOptions, SubscribeOptions, Subscription } from "../transports/bus/bus.js";
import type { Envelope } from "../transports/envelope.js";

/**
 * The Bus as one actor sees it: publishes carry the actor's id as `source`, subscriptions use it
 * as the subscriber (the redis consumer group, unless a group is given), and every subscription
 * the actor opened is closed when it stops, so a restart never leaves a stale subscriber behind.
 */
export class ScopedBus implements Bus {
  private readonly open = new Set<Subscription>();

  constructor(
    private readonly bus: Bus,
    private readonly name: string,
  ) {}

  publish<P>(topic: string, payload: P, options?: PublishOptions): Promise<Envelope<P>> {
    return this.bus.publish(topic, payload, { source: this.name, ...options });
  }

  async subscribe<P = unknown>(pattern: string, handler: Handler<P>, options?: SubscribeOptions): Promise<Subscription> {
    const inner = await this.bus.subscribe(pattern, handler, { subscriber: this.name, ...options });
    const scoped: Subscription = {
      pattern: inner.pattern,
      ...(inner.group === undefined ? {} : { group: inner.group }),
      unsubscribe: async () => {
        this.open.delete(scoped);
        await inner.unsubscribe();
      },
    };
    this.open.add(scoped);
    return scoped;
  }

  request<R = unknown, P = unknown>(topic: string, payload: P, options?: RequestOptions): Promise<R> {
    return this.bus.request<R, P>(topic, payload, options);
  }

  stats() {
    return this.bus.stats();
  }

  /** Closes every subscription this actor opened. */
  async closeAll(): Promise<void> {
    await Promise.allSettled([...this.open].map((subscription) => subscription.unsubscribe()));
  }
}
