import { PlexusError, toError } from "../common/errors.js";
import type { Bus, Handler, PublishOptions, RequestOptions, SubscribeOptions, Subscription } from "../transports/bus/bus.js";
import type { Envelope } from "../transports/envelope.js";
import { failureOf } from "./hosting/hosted-actor-machine.js";

/** One incarnation's hold on a subscription of the slot: its signal and its handler. */
interface Holder {
  readonly signal: AbortSignal;
  readonly handler: Handler;
}

/**
 * One subscription of a slot: opened on the Bus once, by the first incarnation that asked for it,
 * and handed to each later incarnation that asks for the same pattern, group and options. While
 * no incarnation holds it, its Bus mailbox keeps what arrives (bounded by the mailbox policy).
 */
class SlotSubscription {
  holder: Holder | undefined;
  inner: Subscription | undefined;
  closed = false;
  private waiting: Array<{ resolve(): void; reject(error: unknown): void }> = [];

  constructor(
    readonly key: string,
    readonly label: string,
    readonly crashRetries: number,
  ) {}

  /** The holder whose incarnation still runs, if any. */
  live(): Holder | undefined {
    const holder = this.holder;
    return holder !== undefined && !holder.signal.aborted ? holder : undefined;
  }

  /** Open, and held by no running incarnation: the next one asking for it gets it. */
  get free(): boolean {
    return !this.closed && this.live() === undefined;
  }

  hand(holder: Holder): void {
    this.holder = holder;
    const waiting = this.waiting;
    this.waiting = [];
    for (const waiter of waiting) waiter.resolve();
  }

  /** Resolves once an incarnation holds it; rejects (SUBSCRIPTION_CLOSED) when the slot gives it up. */
  held(): Promise<void> {
    if (this.closed) return Promise.reject(closedError(this.label));
    return new Promise<void>((resolve, reject) => this.waiting.push({ resolve, reject }));
  }

  /**
   * Gives it up: the Bus subscription closes (its queued messages are dead-lettered or, on an ack
   * transport, left pending) and messages waiting for an incarnation are refused as closed.
   */
  close(): Promise<void> {
    if (this.closed) return Promise.resolve();
    this.closed = true;
    this.holder = undefined;
    // The Bus retires the mailbox synchronously; waiting messages are refused before the transport
    // is awaited, which (redis) waits for deliveries in flight.
    const closing = this.inner?.unsubscribe() ?? Promise.resolve();
    const waiting = this.waiting;
    this.waiting = [];
    const error = closedError(this.label);
    for (const waiter of waiting) waiter.reject(error);
    return closing;
  }
}

/**
 * The Bus of one child's slot in its supervisor. As in Akka, a restarted actor keeps its mailbox:
 * subscriptions belong to the slot, not to one incarnation. An incarnation's `ctx.bus` (see
 * {@link SlotBus.incarnation}) publishes with the child id as source and subscribes through the
 * slot, which matches subscriptions across incarnations by pattern, group and options:
 *
 * - when an incarnation ends, its subscriptions stay open; what arrives waits in their mailboxes;
 * - the next incarnation that subscribes the same pattern + group + options takes the waiting
 *   subscription over and handles what it holds, in order; once that incarnation runs, the
 *   subscriptions it did not ask for again are closed;
 * - the message being handled when an incarnation failed is handed to the next one, at most
 *   `crashRetries` times, then dead-lettered with the failure (reason `crashed`);
 * - `unsubscribe()` by a running incarnation closes for real; by one that has ended (a stop
 *   function tidying up) it is left to the slot;
 * - when the child is removed for good, {@link SlotBus.close} closes everything: what is still
 *   held is dead-lettered with reason `closed` (on redis it stays pending in the stream).
 */
export class SlotBus {
  private readonly subscriptions = new Set<SlotSubscription>();
  private closed = false;

  /**
   * @param bus the runtime's bus.
   * @param name the child id: `envelope.source` of its publishes and the subscriber of its subscriptions.
   * @param crashRetries default of `mailbox.crashRetries` (`bus.mailbox.crashRetries` in the config).
   */
  constructor(
    private readonly bus: Bus,
    readonly name: string,
    private readonly crashRetries: number,
  ) {}

  /** The Bus as the incarnation whose signal is `signal` sees it: its `ctx.bus`. */
  incarnation(signal: AbortSignal): Bus {
    return {
      publish: <P>(topic: string, payload: P, options?: PublishOptions) =>
        this.bus.publish(topic, payload, { source: this.name, ...options }),
      subscribe: <P>(pattern: string, handler: Handler<P>, options?: SubscribeOptions) =>
        this.subscribe(signal, pattern, handler as Handler, options),
      request: <R, P>(topic: string, payload: P, options?: RequestOptions) => this.bus.request<R, P>(topic, payload, options),
      stats: () => this.bus.stats(),
    };
  }

  /** Subscriptions open in this slot (held or waiting for an incarnation). */
  get size(): number {
    return this.subscriptions.size;
  }

  /**
   * The current incarnation runs: it has opened again what it wants. Subscriptions no running
   * incarnation holds are closed, their messages dead-lettered (reason `closed`).
   */
  async dropUnclaimed(): Promise<void> {
    const unclaimed = [...this.subscriptions].filter((subscription) => subscription.free);
    for (const subscription of unclaimed) this.subscriptions.delete(subscription);
    await Promise.allSettled(unclaimed.map((subscription) => subscription.close()));
  }

  /** The child is gone for good: closes every subscription. Idempotent. */
  async close(): Promise<void> {
    this.closed = true;
    const all = [...this.subscriptions];
    this.subscriptions.clear();
    await Promise.allSettled(all.map((subscription) => subscription.close()));
  }

  private async subscribe(signal: AbortSignal, pattern: string, handler: Handler, options?: SubscribeOptions): Promise<Subscription> {
    if (this.closed) {
      throw new PlexusError("BUS_CLOSED", `subscribe to "${pattern}" by ${this.name}, which was removed from its supervisor`);
    }
    if (signal.aborted) {
      // Code of an incarnation that has ended (a late callback) must not open what no one handles.
      throw new PlexusError(
        "BUS_CLOSED",
        `subscribe to "${pattern}" by an incarnation of ${this.name} that has ended; subscribe in start() or while the actor runs`,
      );
    }
    const holder: Holder = { signal, handler };
    const key = subscriptionKey(pattern, options);
    let entry = this.findFree(key);
    if (entry !== undefined) {
      entry.hand(holder);
    } else {
      const group = options?.group;
      const label = `${pattern}${group !== undefined ? `#${group}` : ""}@${options?.subscriber ?? this.name}`;
      const created = new SlotSubscription(key, label, options?.mailbox?.crashRetries ?? this.crashRetries);
      created.hand(holder);
      created.inner = await this.bus.subscribe(pattern, (envelope) => this.attempt(created, envelope, 0), {
        subscriber: this.name,
        ...options,
      });
      if (this.closed) {
        await created.close();
        throw new PlexusError("BUS_CLOSED", `subscribe to "${pattern}" by ${this.name}, which was removed from its supervisor`);
      }
      this.subscriptions.add(created);
      entry = created;
    }
    const held = entry;
    return {
      pattern,
      ...(options?.group !== undefined ? { group: options.group } : {}),
      unsubscribe: async () => {
        // Only the incarnation holding it, while it runs, gives a subscription up.
        if (held.holder !== holder || signal.aborted) return;
        this.subscriptions.delete(held);
        await held.close();
      },
    };
  }

  /** The oldest open subscription with `key` that no running incarnation holds. */
  private findFree(key: string): SlotSubscription | undefined {
    for (const subscription of this.subscriptions) if (subscription.key === key && subscription.free) return subscription;
    return undefined;
  }

  /**
   * Hands `envelope` to the incarnation holding `entry`, waiting for one when none runs. The
   * handler's outcome stands, unless its incarnation ended while it ran:
   * - it failed during the handler's call (the handler called `ctx.fail`, or a machine kind's
   *   machine failed on the event): the message crashed it and goes to the next incarnation;
   * - the handler threw or rejected after its incarnation ended (a stop or a failure interrupted
   *   it): the message goes to the next incarnation;
   * - an async handler that completed keeps its result, so completed work is not done twice.
   * After `crashRetries` such hand-overs the message fails with MESSAGE_CRASHED, and the Bus
   * dead-letters it (reason `crashed`) on every transport.
   */
  private attempt(entry: SlotSubscription, envelope: Envelope, retries: number): unknown {
    const holder = entry.live();
    if (holder === undefined) {
      if (entry.closed) throw closedError(entry.label);
      return entry.held().then(() => this.attempt(entry, envelope, retries));
    }
    let result: unknown;
    try {
      result = holder.handler(envelope);
    } catch (error) {
      if (!holder.signal.aborted) throw error;
      return this.handOver(entry, envelope, retries, failureOf(holder.signal) ?? toError(error));
    }
    const crashed = holder.signal.aborted ? failureOf(holder.signal) : undefined;
    if (!isThenable(result)) {
      return crashed === undefined ? result : this.handOver(entry, envelope, retries, crashed);
    }
    return Promise.resolve(result).then(
      (value) => (crashed === undefined ? value : this.handOver(entry, envelope, retries, crashed)),
      (error: unknown) => {
        if (!holder.signal.aborted) throw error;
        return this.handOver(entry, envelope, retries, crashed ?? failureOf(holder.signal) ?? toError(error));
      },
    );
  }

  private handOver(entry: SlotSubscription, envelope: Envelope, retries: number, failure: Error): unknown {
    if (retries >= entry.crashRetries) {
      throw new PlexusError(
        "MESSAGE_CRASHED",
        `${entry.label}: the message on "${envelope.topic}" (id ${envelope.id}) was in its handler each time the actor failed (${retries + 1} times; crashRetries ${entry.crashRetries}); last failure: ${failure.message}. Fix the handler for this message, or raise bus.mailbox.crashRetries.`,
        { cause: failure, retryable: false },
      );
    }
    return this.attempt(entry, envelope, retries + 1);
  }
}

/** Subscriptions of two incarnations are the same when these are. */
function subscriptionKey(pattern: string, options: SubscribeOptions | undefined): string {
  return JSON.stringify([
    pattern,
    options?.group ?? null,
    options?.subscriber ?? null,
    options?.concurrency ?? null,
    options?.mailbox?.capacity ?? null,
    options?.mailbox?.overflow ?? null,
    options?.mailbox?.crashRetries ?? null,
    options?.ephemeral ?? false,
  ]);
}

function closedError(label: string): PlexusError {
  return new PlexusError("SUBSCRIPTION_CLOSED", `Subscription ${label} closed before an incarnation of its actor took the message.`);
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return value !== undefined && value !== null && typeof (value as { then?: unknown }).then === "function";
}
