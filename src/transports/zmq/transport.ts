import { Publisher, Subscriber } from "zeromq";
import type { ResolvedZmqTransportConfig } from "../transport-config.js";
import { PlexusError } from "../../common/errors.js";
import type { Logger } from "../../common/logger.js";
import type { Envelope } from "../envelope.js";
import { ThrottledLog } from "../../common/throttled-log.js";
import { DEFAULT_MAX_DEPTH } from "../bus/bus-config.js";
import { ReceivedTopics } from "../received-topics.js";
import { describeRefusal, type Refusal } from "../unencodable.js";
import { literalPrefix } from "../topics.js";
import type {
  Delivery,
  Transport,
  TransportConnectOptions,
  TransportEvents,
  TransportGuarantees,
  TransportSubscription,
  TransportSubscriptionSpec,
} from "../transport.js";
import type { ZmqTransportStats } from "../transport-stats.js";
import type { DeliveryTarget } from "../local-routes.js";
import { BATCH_MARKER, decodeBatch, decodeFrames, encodeEach, encodeRuns, isBatchTopic } from "./frames.js";
import { RouteProber } from "./route-probe.js";
import { ZmqSendQueue } from "./send-queue.js";
import { ZmqSubscriptionTable } from "./subscription-table.js";

/** What the zmq transport needs besides its config. Optional members have working defaults. */
export interface ZmqTransportContext {
  log: Logger;
  /** Runtime name (recorded by the Bus as envelope source; kept for logs here). */
  source: string;
  /** How long `subscribe()` waits for its subscription to reach the proxy. Default 10,000 ms. */
  subscribeTimeoutMs?: number;
  /**
   * How long `connect()` waits for a first route probe round trip before resolving anyway (the
   * proxy may be an actor started later). Default 1,000 ms; publishes before the route is
   * confirmed are counted as `unrouted`.
   */
  connectWaitMs?: number;
  /** How long `close()` keeps flushing queued messages (and libzmq lingers). Default 1,000 ms. */
  closeFlushMs?: number;
  /**
   * Opt-in plexus-only wire optimisation (default false): consecutive envelopes on one topic in a
   * publish batch travel as one zmq message `[NUL-marker + topic, json array]` (see
   * `BATCH_MARKER`). plexus subscribers always accept both forms; foreign pyzmq subscribers do
   * NOT receive batch messages, so turn this on only when no foreign client consumes what this
   * runtime publishes.
   */
  batchFrames?: boolean;
  /** Envelopes per batch message when `batchFrames` is on. Default 256. */
  maxBatchEnvelopes?: number;
  /** Deepest nesting accepted in a received message (`bus.maxDepth`); deeper ones are dead-lettered. Default: the schema's. */
  maxDepth?: number;
}

/**
 * ZeroMQ pub/sub through an XSUB/XPUB proxy, wire-compatible with plain pyzmq clients.
 *
 * Guarantees (declared honestly): at-most-once, no acknowledgements, cross-process; queue groups
 * only share messages within this process. Losses are counted, never silent: publishes before a
 * route to the proxy was confirmed are `unrouted`; messages this process could not queue (noDrop
 * false and the socket cannot keep up) are `drops["publisher.send-queue-full"]`; with `noDrop`
 * true publishers wait instead. Drops by the proxy towards a slow subscriber (proxy noDrop false)
 * happen inside libzmq and are not observable from here.
 */
export class ZmqTransport implements Transport {
  readonly kind = "zmq";
  readonly guarantees: TransportGuarantees = {
    delivery: "at-most-once",
    acknowledgements: false,
    crossProcess: true,
    groupsAcrossProcesses: false,
  };

  private publisher: Publisher | undefined;
  private subscriber: Subscriber | undefined;
  private sendQueue: ZmqSendQueue | undefined;
  private readonly prober: RouteProber;
  /** Patterns, groups and SUB prefixes; created with the subscriber socket in connect(). */
  private table: ZmqSubscriptionTable | undefined;
  private events: TransportEvents | undefined;
  private readonly throttled: ThrottledLog;
  private readonly topics = new ReceivedTopics();
  private readonly maxDepth: number;
  private closed = false;
  private readonly closing = new AbortController();

  /** Connection and route state: a route is confirmed by a probe round trip. */
  private publisherUp = false;
  private subscriberUp = false;
  private routeConfirmed = false;
  /** Bumped for every new SUB prefix; a probe started at generation g confirms all ≤ g. */
  private subscribeGeneration = 0;
  private confirmedGeneration = 0;
  private probing: Promise<void> | undefined;

  private published = 0;
  private delivered = 0;
  private unrouted = 0;
  private received = 0;
  private filtered = 0;
  private foreignWrapped = 0;
  private deadLettered = 0;
  private unencodable = 0;
  private refusedDeliveries = 0;
  private readonly drops: Record<string, number> = {};

  constructor(
    private readonly config: ResolvedZmqTransportConfig,
    private readonly context: ZmqTransportContext,
  ) {
    this.throttled = new ThrottledLog(context.log);
    this.maxDepth = context.maxDepth ?? DEFAULT_MAX_DEPTH;
    this.prober = new RouteProber({
      subscribe: (topic) => this.table?.addPrefix(topic, false),
      unsubscribe: (topic) => {
        if (!this.closed) this.table?.removePrefix(topic, false);
      },
      send: (topic) => this.sendQueue?.enqueueControl([topic, "{}"]),
    });
  }

  async connect(events?: TransportEvents, options: TransportConnectOptions = {}): Promise<void> {
    options.signal?.throwIfAborted();
    if (this.closed) throw closedError();
    this.events = events;
    if (this.publisher !== undefined) return;
    const { xsub, xpub, sendHighWaterMark, receiveHighWaterMark } = this.config;
    // NODROP makes a full PUB answer EAGAIN instead of dropping inside libzmq; the send queue
    // then applies this transport's noDrop policy where drops can be counted.
    const publisher = new Publisher({ noDrop: true, sendHighWaterMark, linger: this.closeFlushMs });
    const subscriber = new Subscriber({ receiveHighWaterMark, linger: 0 });
    this.watchConnection(publisher, "publisher");
    this.watchConnection(subscriber, "subscriber");
    try {
      publisher.connect(xsub);
    } catch (error) {
      closeQuietly(publisher, subscriber);
      throw endpointError("xsub", xsub, error);
    }
    try {
      subscriber.connect(xpub);
    } catch (error) {
      closeQuietly(publisher, subscriber);
      throw endpointError("xpub", xpub, error);
    }
    this.publisher = publisher;
    this.subscriber = subscriber;
    this.table = new ZmqSubscriptionTable(subscriber);
    this.sendQueue = new ZmqSendQueue(publisher, {
      capacity: sendHighWaterMark > 0 ? sendHighWaterMark : 1000,
      noDrop: this.config.noDrop,
      onDrop: (count, reason) => this.countDrop(count, reason),
    });
    void this.receiveLoop(subscriber);
    const waitMs = this.context.connectWaitMs ?? 1_000;
    const first = this.confirmRoute();
    const confirmed = await Promise.race([first.then(() => true), delay(waitMs).then(() => false), abortion(options.signal)]);
    if (!confirmed && !this.closed) {
      this.context.log.warn(
        { xsub, xpub, waitedMs: waitMs },
        "zmq transport: no route through the proxy yet (is a proxy bound at xsub/xpub, or is it an actor that starts later?); the Bus holds publishes in its outbox until a route is confirmed",
      );
    }
  }

  publish(batch: readonly Envelope[]): Promise<void> {
    const queue = this.sendQueue;
    if (this.closed || queue === undefined) return Promise.reject(this.closed ? closedError() : notConnectedError());
    const refused: Refusal[] = [];
    const messages =
      this.context.batchFrames === true ? encodeRuns(batch, this.context.maxBatchEnvelopes ?? 256, refused) : encodeEach(batch, refused);
    const sent = batch.length - refused.length;
    this.published += sent;
    if (!this.routeConfirmed) this.unrouted += sent;
    for (const refusal of refused) {
      this.unencodable++;
      const { reason, raw } = describeRefusal(refusal);
      this.deadLetter(refusal.envelope.topic, reason, raw);
    }
    return queue.enqueue(messages) ?? Promise.resolve();
  }

  async subscribe(spec: TransportSubscriptionSpec, deliver: Delivery): Promise<TransportSubscription> {
    if (this.closed) throw closedError();
    const table = this.table;
    if (table === undefined) throw notConnectedError();
    const { pattern, group } = spec;
    const detach = table.attach(pattern, group, deliver);
    const prefix = literalPrefix(pattern);
    const generation = table.addPrefix(prefix, true) ? ++this.subscribeGeneration : this.subscribeGeneration;
    let open = true;
    const close = async (): Promise<void> => {
      if (!open) return;
      open = false;
      detach();
      if (!this.closed) table.removePrefix(prefix, true);
    };
    try {
      await this.awaitGeneration(generation, pattern);
    } catch (error) {
      await close();
      throw error;
    }
    return { close };
  }

  stats(): ZmqTransportStats {
    return {
      kind: this.kind,
      connected: this.routeConfirmed,
      published: this.published,
      delivered: this.delivered,
      unrouted: this.unrouted,
      drops: { ...this.drops },
      details: {
        xsub: this.config.xsub,
        xpub: this.config.xpub,
        noDrop: this.config.noDrop,
        publisherConnected: this.publisherUp,
        subscriberConnected: this.subscriberUp,
        sendQueueDepth: this.sendQueue?.depth ?? 0,
        sent: this.sendQueue?.sent ?? 0,
        socketFullRetries: this.sendQueue?.socketFullRetries ?? 0,
        received: this.received,
        filteredByPrefix: this.filtered,
        foreignWrapped: this.foreignWrapped,
        deadLettered: this.deadLettered,
        unencodable: this.unencodable,
        refusedDeliveries: this.refusedDeliveries,
        subscribedPrefixes: this.table?.prefixCount ?? 0,
        probesSucceeded: this.prober.succeeded,
        probesTimedOut: this.prober.timedOut,
      },
    };
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.closing.abort();
    await this.sendQueue?.close(this.closeFlushMs);
    closeQuietly(this.publisher, this.subscriber);
    this.setRoute(false);
  }

  private get closeFlushMs(): number {
    return this.context.closeFlushMs ?? 1_000;
  }

  /** Waits until a probe started at or after `generation` came back (slow-joiner safety). */
  private async awaitGeneration(generation: number, pattern: string): Promise<void> {
    const timeoutMs = this.context.subscribeTimeoutMs ?? 10_000;
    const deadline = Date.now() + timeoutMs;
    while (this.confirmedGeneration < generation) {
      if (this.closed) throw closedError();
      if (Date.now() >= deadline) {
        throw new PlexusError(
          "ZMQ_SUBSCRIBE_TIMEOUT",
          `zmq subscribe to "${pattern}" was not confirmed by the proxy within ${timeoutMs} ms (publisher → ${this.config.xsub}, subscriber → ${this.config.xpub}); check that a proxy (kind: proxy) is bound at those endpoints.`,
        );
      }
      // The shared probe may have been started by someone with a longer timeout: bound the wait.
      const remaining = Math.max(1, deadline - Date.now());
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([
        this.probeOnce(Math.min(1_000, remaining)),
        new Promise<void>((resolve) => (timer = setTimeout(resolve, remaining))),
      ]);
      clearTimeout(timer);
    }
  }

  /** Runs until the route is confirmed (or the transport closes); shared by everyone waiting. */
  private async confirmRoute(): Promise<void> {
    while (!this.closed && !this.routeConfirmed) await this.probeOnce(1_000);
  }

  /** One shared probe: concurrent callers wait for the same round trip. */
  private probeOnce(timeoutMs: number): Promise<void> {
    if (this.probing !== undefined) return this.probing;
    const generation = this.subscribeGeneration;
    const probing = this.prober.probe(timeoutMs, this.closing.signal).then((ok) => {
      if (!ok) return;
      if (generation > this.confirmedGeneration) this.confirmedGeneration = generation;
      this.setRoute(true);
    });
    this.probing = probing.finally(() => {
      this.probing = undefined;
    });
    return this.probing;
  }

  private setRoute(confirmed: boolean): void {
    if (this.routeConfirmed === confirmed) return;
    this.routeConfirmed = confirmed;
    this.context.log.info(
      { xsub: this.config.xsub, xpub: this.config.xpub, connected: confirmed },
      confirmed ? "zmq route through the proxy confirmed" : "zmq route through the proxy lost",
    );
    this.events?.onConnectionChange?.(confirmed);
  }

  /** Tracks TCP connection state; a lost connection un-confirms the route until a probe succeeds. */
  private watchConnection(socket: Publisher | Subscriber, role: "publisher" | "subscriber"): void {
    const set = (up: boolean): void => {
      if (role === "publisher") this.publisherUp = up;
      else this.subscriberUp = up;
    };
    socket.events.on("connect", () => {
      set(true);
      if (!this.routeConfirmed && !this.closed) void this.confirmRoute();
    });
    socket.events.on("disconnect", () => {
      set(false);
      if (this.closed) return;
      this.setRoute(false);
      // libzmq reconnects and resends SUB subscriptions by itself; the probe tells us when.
      void this.confirmRoute();
    });
  }

  private async receiveLoop(subscriber: Subscriber): Promise<void> {
    for (;;) {
      let frames: Buffer[];
      try {
        frames = await subscriber.receive();
      } catch (error) {
        if (this.closed || subscriber.closed) return;
        this.throttled.error("receive", { error: String(error), xpub: this.config.xpub }, "zmq subscriber receive failed; retrying");
        await delay(10);
        continue;
      }
      const frame0 = frames[0]?.toString("utf8") ?? "";
      if (RouteProber.isProbeTopic(frame0)) {
        this.prober.arrived(frame0);
        continue;
      }
      const batched = isBatchTopic(frame0);
      const topic = batched ? frame0.slice(BATCH_MARKER.length) : frame0;
      const targets = this.table?.match(topic) ?? [];
      if (targets.length === 0) {
        // Prefix subscriptions admit more than the patterns (`a.b` also admits `a.bc`).
        this.filtered++;
        continue;
      }
      // Only messages someone would receive are checked: a foreign peer may send any bytes.
      const invalid = this.topics.problem(topic);
      if (invalid !== undefined) {
        this.deadLetter(topic, invalid, frames.length === 2 ? (frames[1] as Buffer).toString("utf8") : frames.map(String));
        continue;
      }
      if (batched) {
        const decoded = decodeBatch(topic, frames, this.maxDepth);
        if (!decoded.ok) {
          this.deadLetter(decoded.topic, decoded.reason, decoded.raw);
          continue;
        }
        for (const envelope of decoded.envelopes) await this.deliverAll(targets, envelope);
        continue;
      }
      const decoded = decodeFrames(topic, frames, this.maxDepth);
      if (!decoded.ok) {
        this.deadLetter(decoded.topic, decoded.reason, decoded.raw);
        continue;
      }
      if (decoded.foreign) this.foreignWrapped++;
      await this.deliverAll(targets, decoded.envelope);
    }
  }

  private deadLetter(topic: string, reason: string, raw: unknown): void {
    this.deadLettered++;
    this.throttled.warn(`dead:${topic}`, { topic, reason }, "zmq message could not be decoded or encoded; dead-lettered");
    this.events?.onDeadLetter?.(topic, reason, raw);
  }

  /** Hands one envelope to every matching target; a returned promise (blocking mailbox) is awaited. */
  private async deliverAll(targets: readonly DeliveryTarget[], envelope: Envelope): Promise<void> {
    this.received++;
    for (const target of targets) {
      this.delivered++;
      try {
        const result = target.deliver(envelope);
        // A promise means a mailbox is blocking: stop reading so back-pressure reaches libzmq.
        if (result !== undefined) await result;
      } catch (error) {
        this.refusedDeliveries++;
        this.throttled.warn(
          `refused:${envelope.topic}`,
          { topic: envelope.topic, error: String(error) },
          "zmq delivery refused by a subscription",
        );
      }
    }
  }

  private countDrop(count: number, reason: string): void {
    const key = `publisher.${reason}`;
    this.drops[key] = (this.drops[key] ?? 0) + count;
    this.throttled.warn(
      key,
      { count, reason, total: this.drops[key], xsub: this.config.xsub, noDrop: this.config.noDrop },
      reason === "send-queue-full"
        ? "zmq publish dropped: send queue full (the proxy or subscribers are slower than publishers); raise sendHighWaterMark or set noDrop: true"
        : "zmq publish dropped: transport closed before the message was sent",
    );
  }
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}

/** Rejects with the signal's reason when it aborts; never settles without a signal. */
function abortion(signal: AbortSignal | undefined): Promise<never> {
  return new Promise<never>((_, reject) => {
    if (signal === undefined) return;
    if (signal.aborted) reject(signal.reason);
    else signal.addEventListener("abort", () => reject(signal.reason), { once: true });
  });
}

function closeQuietly(...sockets: Array<Publisher | Subscriber | undefined>): void {
  for (const socket of sockets) {
    try {
      if (socket !== undefined && !socket.closed) socket.close();
    } catch {
      // Already closed: nothing left to release.
    }
  }
}

function endpointError(key: "xsub" | "xpub", endpoint: string, cause: unknown): PlexusError {
  return new PlexusError(
    "ZMQ_ENDPOINT_INVALID",
    `transport.${key} "${endpoint}" cannot be connected to (${String(cause)}); use an endpoint like "tcp://127.0.0.1:5556".`,
    { retryable: false, cause },
  );
}

function closedError(): PlexusError {
  return new PlexusError("TRANSPORT_CLOSED", "The zmq transport is closed.");
}

function notConnectedError(): PlexusError {
  return new PlexusError("TRANSPORT_NOT_CONNECTED", "The zmq transport is not connected; call connect() first.");
}
