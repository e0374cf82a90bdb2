import { PlexusError, toError } from "../../common/errors.js";
import { resolveBusConfig } from "./bus-config.js";
import type { BusConfig, ResolvedBusConfig } from "./bus-config.js";
import { fallbackLogger } from "../../common/fallback-logger.js";
import type { Logger } from "../../common/logger.js";
import type { Metrics } from "../../common/metrics.js";
import { BatchPublisher } from "./batch-publisher.js";
import { DEAD_LETTER_PREFIX } from "./bus.js";
import type { Bus, BusStats, Handler, PublishOptions, RequestOptions, SubscribeOptions, Subscription } from "./bus.js";
import { registerBusMetrics } from "./metrics.js";
import type { ContractSet } from "./contracts.js";
import { DeadLetters } from "./dead-letters.js";
import { createEnvelope, type Envelope } from "../envelope.js";
import { Mailbox, type DropReason } from "./mailbox.js";
import { withOutcomeDelivery } from "../delivery-outcome.js";
import { Outbox } from "./outbox.js";
import { checkPayloadDepth } from "./payload-depth.js";
import { checkEncodedEnvelope, checkPayloadSize, encodeEnvelope, encodeEnvelopeChecked } from "./payload-size.js";
import path from "node:path";
import type { BlobStore } from "./claim-check/blob-store.js";
import { ClaimCheck, isClaimChecked } from "./claim-check/claim-check.js";
import { FileBlobStore } from "./claim-check/file-blob-store.js";
import { OrderedChain } from "./claim-check/ordered-chain.js";
import { CORRELATION_HEADER, PendingRequests, REPLY_ERROR_HEADER, REPLY_TO_HEADER } from "./request-reply.js";
import { ThrottledLog } from "../../common/throttled-log.js";
import { DEFAULT_SOURCE } from "../default-source.js";
import { assertNotReserved, isSystemTopic, validatePattern, validateTopic } from "../topics.js";
import type { Delivery, Transport, TransportConnectOptions, TransportSubscription } from "../transport.js";

/**
 * What a MessageBus is built from. Only `transport` is required:
 * `new MessageBus({ transport: new MemoryTransport() })` is a working bus with the config
 * schema's default bounds.
 */
export interface MessageBusOptions {
  transport: Transport;
  /**
   * Default `envelope.source`, and the subscriber name of subscriptions that give none (on redis
   * their consumer group). A runtime passes its `runtime.name`. Services sharing a Redis
   * transport should each set their own.
   * @defaultValue `"plexus"`
   */
  source?: string;
  /** Where the bus logs drops, handler errors and connection changes. Default: warnings and errors to stderr. */
  log?: Logger;
  metrics?: Metrics;
  contracts?: ContractSet;
  /**
   * Mailbox, outbox and payload bounds: a config's `bus` section, with the same schema defaults
   * and checks (a bad value throws a ConfigError naming `bounds.<key>`).
   */
  bounds?: BusConfig;
  /** Default `_dead`. */
  deadLetterPrefix?: string;
  /** Default timeout of `request`. Default 5,000 ms. */
  requestTimeoutMs?: number;
  /**
   * Where claim-checked payloads are stored when `bounds.claimCheck.enabled`; the bus owns it
   * (closes it). Default: a directory store at `.plexus/<claimCheck.dir>` under the working
   * directory (`openBus` and the runtime pick Redis or the state directory instead).
   */
  blobStore?: BlobStore;
}

interface LiveSubscription {
  label: string;
  mailbox: Mailbox;
  handle: TransportSubscription | undefined;
  closed: boolean;
}

/** Topics remembered as valid, so steady publishing skips the grammar check. */
const KNOWN_TOPICS_MAX = 10_000;

/**
 * The Bus actors and embedders use: topic and payload checks, contracts, per-subscription
 * mailboxes, dead letters, request/reply, the outbox and metrics, over any Transport.
 *
 * In memory (`transport.publishLocal`) a publish is synchronous down to the mailboxes: no batch,
 * no await. Over the network publishes of one tick become one batch (see BatchPublisher).
 */
export class MessageBus implements Bus {
  private readonly transport: Transport;
  private readonly source: string;
  private readonly log: Logger;
  private readonly throttled: ThrottledLog;
  private readonly bounds: ResolvedBusConfig;
  private readonly contracts: ContractSet | undefined;
  private readonly local: boolean;
  private readonly acknowledged: boolean;
  private readonly outbox: Outbox;
  private readonly publisher: BatchPublisher | undefined;
  private readonly deadLetters: DeadLetters;
  private readonly requests = new PendingRequests();
  private readonly subscriptions = new Set<LiveSubscription>();
  private readonly knownTopics = new Set<string>();
  private readonly requestTimeoutMs: number;
  private readonly claimCheck: ClaimCheck | undefined;
  /** Publishes queued behind a claim-checked one whose blob is still being stored. */
  private readonly publishOrder = new OrderedChain();
  private inbox: Promise<Subscription> | undefined;
  private retireMetrics: (() => void) | undefined;
  private closed = false;
  private published = 0;
  private retiredDelivered = 0;
  private handlerErrors = 0;
  private rejectedByContract = 0;
  private contractWarnings = 0;
  private readonly drops: Record<string, number> = {};

  /** @throws ConfigError (code `CONFIG_INVALID`) when `options.bounds` breaks the `bus` section's schema. */
  constructor(options: MessageBusOptions) {
    this.transport = options.transport;
    this.source = options.source ?? DEFAULT_SOURCE;
    this.log = options.log ?? fallbackLogger();
    this.throttled = new ThrottledLog(this.log);
    this.bounds = resolveBusConfig(options.bounds, { caller: "new MessageBus", at: ["bounds"] });
    this.contracts = options.contracts?.mode === "off" ? undefined : options.contracts;
    this.requestTimeoutMs = options.requestTimeoutMs ?? 5_000;
    this.local = typeof this.transport.publishLocal === "function";
    this.acknowledged = this.transport.guarantees.acknowledgements;
    this.outbox = new Outbox(this.bounds.outbox, (envelope, reason) => {
      this.throttled.warn(
        `outbox:${reason}`,
        { topic: envelope.topic, reason, capacity: this.outbox.capacity },
        "bus outbox dropped an envelope",
      );
    });
    this.publisher = this.local ? undefined : new BatchPublisher(this.transport, this.outbox, this.log);
    this.deadLetters = new DeadLetters(
      options.deadLetterPrefix ?? DEAD_LETTER_PREFIX,
      this.source,
      (envelope) => this.send(envelope),
      this.log,
    );
    const claim = this.bounds.claimCheck;
    if (claim?.enabled === true) {
      const store = options.blobStore ?? new FileBlobStore({ dir: path.resolve(".plexus", claim.dir), ttlMs: claim.ttlMs, log: this.log });
      this.claimCheck = new ClaimCheck(claim, store);
    } else {
      void options.blobStore?.close();
    }
    if (options.metrics) this.retireMetrics = registerBusMetrics(options.metrics, () => this.stats());
  }

  /**
   * Connects the transport; the outbox starts replaying once it reports a connection. Aborting
   * `options.signal` cuts a connect that is still waiting short (the start rejects with its
   * reason; close the bus then).
   */
  async start(options: TransportConnectOptions = {}): Promise<void> {
    await this.transport.connect(
      {
        onConnectionChange: (connected) => {
          this.log.info({ transport: this.transport.kind, connected }, connected ? "transport connected" : "transport disconnected");
          this.publisher?.setConnected(connected);
        },
        onDeadLetter: (topic, reason, raw) => this.deadLetters.fromRaw(topic, reason, raw),
      },
      options,
    );
    // The transport says whether it can deliver yet (a zmq proxy that is an actor starting later
    // cannot): until it can, publishes wait in the outbox instead of vanishing unrouted.
    this.publisher?.setConnected(this.transport.stats().connected);
  }

  publish<P>(topic: string, payload: P, options?: PublishOptions): Promise<Envelope<P>> {
    try {
      if (this.closed) throw new PlexusError("BUS_CLOSED", `publish to "${topic}" after the bus was closed`);
      this.checkTopic(topic);
      // Across processes the payload is encoded and checked by every receiver; in memory it is not walked.
      if (!this.local) checkPayloadDepth(topic, payload, this.bounds.maxDepth);
      const envelope = createEnvelope(topic, payload, options?.source ?? this.source, options?.headers);
      if (this.claimCheck !== undefined) return this.publishClaimAware(envelope, options?.claimCheck === true);
      // Across processes the envelope is encoded once, here: the size check and the transport share the text.
      let json: string | undefined;
      if (this.local) checkPayloadSize(topic, payload, this.bounds.maxPayloadBytes, false);
      else json = encodeEnvelopeChecked(envelope, this.bounds.maxPayloadBytes);
      if (this.contracts !== undefined) this.checkOutgoing(topic, payload);
      this.published++;
      if (this.publisher !== undefined) return this.publisher.send(envelope, json);
      const sent = this.send(envelope);
      return sent === undefined ? Promise.resolve(envelope) : sent.then(() => envelope);
    } catch (error) {
      return Promise.reject(error);
    }
  }

  async subscribe<P = unknown>(pattern: string, handler: Handler<P>, options: SubscribeOptions = {}): Promise<Subscription> {
    if (this.closed) throw new PlexusError("BUS_CLOSED", `subscribe to "${pattern}" after the bus was closed`);
    validatePattern(pattern);
    const subscriber = options.subscriber ?? this.source;
    const label = `${pattern}${options.group !== undefined ? `#${options.group}` : ""}@${subscriber}`;
    const live: LiveSubscription = { label, mailbox: undefined as unknown as Mailbox, handle: undefined, closed: false };
    live.mailbox = new Mailbox(
      {
        label,
        capacity: options.mailbox?.capacity ?? this.bounds.mailbox.capacity,
        overflow: options.mailbox?.overflow ?? this.bounds.mailbox.overflow,
        concurrency: options.concurrency ?? 1,
        acknowledged: this.acknowledged,
        refusal: this.acknowledged ? "reject-promise" : this.local ? "throw" : "count-only",
      },
      {
        run: (envelope) => this.runHandler(handler as Handler, envelope),
        onHandlerError: (envelope, error) => this.handlerFailed(live, envelope, error),
        onDrop: (envelope, reason) => this.dropped(live, envelope, reason),
      },
    );
    const mailbox = live.mailbox;
    // Foreign producers bypass our publish-side check, so cross-process deliveries are checked again.
    const checked = this.contracts !== undefined && this.transport.guarantees.crossProcess;
    const plain: Delivery = checked
      ? (envelope) => (this.admitChecked(live, envelope) ? mailbox.offer(envelope) : undefined)
      : (envelope) => mailbox.offer(envelope);
    let deliver: Delivery;
    if (this.claimCheck !== undefined) {
      // A claim-checked message waits for its blob, so deliveries keep their promise form here.
      deliver = this.claimAwareDelivery(live, this.claimCheck, plain);
    } else if (this.acknowledged) {
      deliver = withOutcomeDelivery(
        plain,
        checked
          ? (envelope, outcome) => (this.admitChecked(live, envelope) ? mailbox.offerWithOutcome(envelope, outcome) : outcome(true))
          : (envelope, outcome) => mailbox.offerWithOutcome(envelope, outcome),
      );
    } else {
      deliver = plain;
    }
    this.subscriptions.add(live);
    try {
      const spec = {
        pattern,
        subscriber,
        ...(options.group !== undefined ? { group: options.group } : {}),
        ...(options.ephemeral === true ? { ephemeral: true } : {}),
      };
      live.handle = await this.transport.subscribe(spec, deliver);
    } catch (error) {
      this.retire(live);
      throw error;
    }
    return {
      pattern,
      ...(options.group !== undefined ? { group: options.group } : {}),
      unsubscribe: async () => {
        if (live.closed) return;
        this.retire(live);
        await live.handle?.close();
      },
    };
  }

  async request<R = unknown, P = unknown>(topic: string, payload: P, options: RequestOptions = {}): Promise<R> {
    validateTopic(topic);
    if (this.transport.hasSubscribers !== undefined && !this.transport.hasSubscribers(topic)) {
      throw new PlexusError(
        "NO_RESPONDERS",
        `No subscriber handles "${topic}" in this process, so the request cannot be answered; subscribe a handler first.`,
      );
    }
    await this.ensureInbox();
    const { correlationId, replyTo, reply } = this.requests.open<R>(topic, options.timeoutMs ?? this.requestTimeoutMs);
    const headers = { ...options.headers, [REPLY_TO_HEADER]: replyTo, [CORRELATION_HEADER]: correlationId };
    this.publish(topic, payload, { headers }).catch((error: unknown) => this.requests.fail(correlationId, error));
    return reply;
  }

  stats(): BusStats {
    let delivered = this.retiredDelivered;
    const mailboxDepths: Record<string, number> = {};
    for (const live of this.subscriptions) {
      delivered += live.mailbox.delivered;
      mailboxDepths[live.label] = (mailboxDepths[live.label] ?? 0) + live.mailbox.depth;
    }
    return {
      published: this.published,
      delivered,
      handlerErrors: this.handlerErrors,
      deadLettered: this.deadLetters.published,
      rejectedByContract: this.rejectedByContract,
      drops: { ...this.drops },
      mailboxDepths,
      outbox: { depth: this.outbox.depth, dropped: this.outbox.dropped, replayed: this.outbox.replayed },
      transport: this.transport.stats(),
      ...(this.claimCheck === undefined ? {} : { claimCheck: this.claimCheck.stats() }),
    };
  }

  /** Contract warnings (mode `warn`) seen so far. */
  get contractWarningCount(): number {
    return this.contractWarnings;
  }

  /**
   * Stops every subscription, fails waiting requests, flushes the outbox (waiting at most
   * `bus.outbox.flushTimeout` for the transport to take it; the rest is counted as dropped) and
   * closes the transport.
   */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.requests.rejectAll(new PlexusError("BUS_CLOSED", "the bus closed before a reply arrived"));
    const handles: Array<Promise<void> | undefined> = [];
    for (const live of [...this.subscriptions]) {
      this.retire(live);
      handles.push(live.handle?.close());
    }
    await Promise.allSettled(handles);
    await this.publisher?.close(this.bounds.outbox.flushTimeoutMs);
    this.retireMetrics?.();
    await this.transport.close();
    await this.claimCheck?.store.close();
  }

  /**
   * A publish on a bus with claim-check: a payload over the threshold is stored and a reference
   * travels instead (`bus.maxPayloadBytes` applies to the reference, `claimCheck.maxBlobBytes` to
   * the payload). Publishes after a claim-checked one wait until its blob is stored, so that
   * subscribers see them in publish order.
   */
  private publishClaimAware<P>(envelope: Envelope<P>, force: boolean): Promise<Envelope<P>> {
    const claimCheck = this.claimCheck as ClaimCheck;
    const json = this.local ? undefined : encodeEnvelope(envelope);
    const claim = claimCheck.measure(envelope.payload, force, json);
    if (claim === undefined) {
      if (json === undefined) checkPayloadSize(envelope.topic, envelope.payload, this.bounds.maxPayloadBytes, false);
      else checkEncodedEnvelope(envelope, json, this.bounds.maxPayloadBytes);
      if (this.contracts !== undefined) this.checkOutgoing(envelope.topic, envelope.payload);
      this.published++;
      if (!this.publishOrder.busy) {
        const sent = this.send(envelope, json);
        return sent === undefined ? Promise.resolve(envelope) : sent.then(() => envelope);
      }
      return this.publishOrder
        .after(
          Promise.resolve(),
          () => this.send(envelope, json),
          (error: unknown) => Promise.reject(error),
        )
        .then(() => envelope);
    }
    claimCheck.admit(envelope.topic, claim);
    if (this.contracts !== undefined) this.checkOutgoing(envelope.topic, envelope.payload);
    const reference = claimCheck.reference(envelope, claim);
    const referenceJson = this.local ? undefined : encodeEnvelopeChecked(reference, this.bounds.maxPayloadBytes);
    this.published++;
    const stored = claimCheck.put(reference.payload, claim, envelope.topic);
    return this.publishOrder
      .after(
        stored,
        () => this.send(reference, referenceJson),
        (error: unknown) => Promise.reject(error),
      )
      .then(() => ({ ...envelope, headers: reference.headers as Record<string, string> }));
  }

  /**
   * The Delivery of a subscription on a bus with claim-check: a reference is swapped for its
   * payload (fetched and verified) before the subscription sees it, later messages waiting
   * behind it so the order holds. A missing or corrupt blob is dead-lettered with the reason; a
   * store that cannot be read fails the delivery, so an ack transport delivers it again later.
   */
  private claimAwareDelivery(live: LiveSubscription, claimCheck: ClaimCheck, inner: Delivery): Delivery {
    const order = new OrderedChain();
    return (envelope) => {
      const claimed = isClaimChecked(envelope);
      if (!claimed && !order.busy) return inner(envelope);
      const restored = claimed ? claimCheck.restore(envelope) : Promise.resolve(envelope);
      const handed = order.after(restored, inner, (error: unknown) => this.claimFailed(live, envelope, error));
      if (this.acknowledged) return handed;
      // Without acks nobody waits for the delivery: a publisher in this process must not wait
      // for a subscriber's blob read, and a refusal is already counted by the mailbox.
      handed.catch((error: unknown) =>
        this.throttled.warn(
          `claim-offer:${live.label}`,
          { subscription: live.label, err: toError(error) },
          "claim-checked message refused",
        ),
      );
      return undefined;
    };
  }

  private claimFailed(live: LiveSubscription, envelope: Envelope, thrown: unknown): void | Promise<void> {
    const error = toError(thrown);
    const code = (error as { code?: unknown }).code;
    if (code === "CLAIM_CHECK_STORE_FAILED" && this.acknowledged) {
      this.throttled.warn(
        `claim-read:${live.label}`,
        { subscription: live.label, topic: envelope.topic, err: error },
        "blob store unreadable: the message stays pending in the transport and is delivered again later",
      );
      return Promise.reject(error);
    }
    const reason =
      code === "CLAIM_CHECK_MISSING"
        ? "claim-check-missing"
        : code === "CLAIM_CHECK_CORRUPT"
          ? "claim-check-corrupt"
          : "claim-check-unavailable";
    this.throttled.warn(
      `claim:${live.label}:${reason}`,
      { subscription: live.label, topic: envelope.topic, reason, err: error },
      "claim-checked message dead-lettered",
    );
    this.deadLetters.fromEnvelope(envelope, reason, error.message, live.label);
    return undefined;
  }

  /** Hands an envelope (and its JSON when already made) to the transport: synchronously in memory, batched over the network. */
  private send(envelope: Envelope, json?: string): void | Promise<unknown> {
    if (this.publisher === undefined)
      return (this.transport.publishLocal as (e: Envelope) => void | Promise<void>).call(this.transport, envelope);
    return this.publisher.send(envelope, json);
  }

  private checkTopic(topic: string): void {
    if (this.knownTopics.has(topic)) return;
    validateTopic(topic);
    assertNotReserved(topic, this.deadLetters.prefix);
    if (this.knownTopics.size >= KNOWN_TOPICS_MAX) this.knownTopics.clear();
    this.knownTopics.add(topic);
  }

  private checkOutgoing(topic: string, payload: unknown): void {
    const contracts = this.contracts as ContractSet;
    const result = contracts.check(topic, payload);
    if (result.ok) return;
    const where = `${result.pointer || "/"}`;
    if (contracts.mode === "enforce") {
      this.rejectedByContract++;
      throw new PlexusError(
        "CONTRACT_VIOLATION",
        `Payload for "${topic}" breaks contract ${result.schemaFile} at ${where}: ${result.message}. Fix the payload or the schema.`,
        { retryable: false },
      );
    }
    this.contractWarnings++;
    this.throttled.warn(
      `contract:${topic}`,
      { topic, pointer: where, schemaFile: result.schemaFile, problem: result.message },
      "payload breaks its contract (mode warn: published anyway)",
    );
  }

  /** False when `envelope` breaks its contract under `enforce`: it is dead-lettered here, handled for good. */
  private admitChecked(live: LiveSubscription, envelope: Envelope): boolean {
    const contracts = this.contracts as ContractSet;
    if (!isSystemTopic(envelope.topic)) {
      const result = contracts.check(envelope.topic, envelope.payload);
      if (!result.ok) {
        const detail = `${result.pointer || "/"}: ${result.message} (${result.schemaFile})`;
        if (contracts.mode === "enforce") {
          this.rejectedByContract++;
          this.throttled.warn(
            `incoming-contract:${envelope.topic}`,
            { topic: envelope.topic, source: envelope.source, problem: detail, subscription: live.label },
            "incoming message breaks its contract; dead-lettered",
          );
          this.deadLetters.fromEnvelope(envelope, "contract", detail, live.label);
          return false; // handled: an ack transport must not redeliver it
        }
        this.contractWarnings++;
        this.throttled.warn(
          `incoming-contract:${envelope.topic}`,
          { topic: envelope.topic, source: envelope.source, problem: detail },
          "incoming message breaks its contract (mode warn: delivered anyway)",
        );
      }
    }
    return true;
  }

  private runHandler(handler: Handler, envelope: Envelope): unknown {
    const replyTo = envelope.headers?.[REPLY_TO_HEADER];
    if (replyTo === undefined) return handler(envelope);
    const result = handler(envelope);
    if (isThenable(result)) return Promise.resolve(result).then((value) => this.reply(envelope, replyTo, value));
    this.reply(envelope, replyTo, result);
    return undefined;
  }

  private reply(request: Envelope, replyTo: string, value: unknown, failure?: string): void {
    const correlationId = request.headers?.[CORRELATION_HEADER] ?? request.id;
    try {
      validateTopic(replyTo);
    } catch {
      this.throttled.warn(
        `reply-to:${request.topic}`,
        { topic: request.topic, replyTo },
        "request carries an invalid replyTo header; no reply sent",
      );
      return;
    }
    const headers: Record<string, string> = { [CORRELATION_HEADER]: correlationId };
    if (failure !== undefined) headers[REPLY_ERROR_HEADER] = failure;
    const envelope = createEnvelope(replyTo, value === undefined ? null : value, this.source, headers);
    try {
      const sent = this.send(envelope);
      if (sent !== undefined) sent.then(undefined, (error: unknown) => this.replyFailed(replyTo, error));
    } catch (error) {
      this.replyFailed(replyTo, error);
    }
  }

  private replyFailed(replyTo: string, error: unknown): void {
    this.throttled.warn(`reply:${replyTo}`, { replyTo, err: toError(error) }, "could not publish a reply");
  }

  /** Returns true when the failure is final (dead-lettered here), so an ack transport acknowledges it. */
  private handlerFailed(live: LiveSubscription, envelope: Envelope, thrown: unknown): boolean {
    const error = toError(thrown);
    const code = (error as { code?: unknown }).code;
    // A handler that stands for an actor's slot says so when the slot closed before any
    // incarnation took the message: that is a closed mailbox, not a failing handler.
    if (code === "SUBSCRIPTION_CLOSED") {
      this.dropped(live, envelope, "closed");
      return false;
    }
    this.handlerErrors++;
    // A message that crashed its actor on every retry must not come back from the transport.
    const crashed = code === "MESSAGE_CRASHED";
    this.throttled.error(
      `handler:${live.label}`,
      { err: error, topic: envelope.topic, subscription: live.label },
      crashed ? "a message failed its actor on every retry; dead-lettered" : "subscription handler failed",
    );
    // Ack transports redeliver a failed message and dead-letter it after their delivery limit.
    if (crashed || !this.acknowledged)
      this.deadLetters.fromEnvelope(envelope, crashed ? "crashed" : "handler-error", error.message, live.label);
    const replyTo = envelope.headers?.[REPLY_TO_HEADER];
    if (replyTo !== undefined) this.reply(envelope, replyTo, null, error.message);
    return crashed;
  }

  private dropped(live: LiveSubscription, envelope: Envelope, reason: DropReason): void {
    // On an ack transport a refused or closed delivery stays pending in the transport and comes
    // back (redelivered, or read first by the subscriber's next consumer): it is not a drop.
    if (this.acknowledged && (reason === "reject" || reason === "block-overflow" || reason === "closed")) {
      if (reason !== "closed") {
        this.throttled.warn(
          `defer:${live.label}:${reason}`,
          { subscription: live.label, topic: envelope.topic, reason, capacity: live.mailbox.capacity },
          "mailbox full: the message stays pending in the transport and is delivered again later",
        );
      }
      return;
    }
    this.drops[reason] = (this.drops[reason] ?? 0) + 1;
    this.throttled.warn(
      `drop:${live.label}:${reason}`,
      { subscription: live.label, topic: envelope.topic, reason },
      "mailbox dropped a message",
    );
    const detail =
      reason === "closed"
        ? `subscription ${live.label} closed before the message was handled`
        : `mailbox of ${live.label} full (capacity ${live.mailbox.capacity}, policy ${reason === "block-overflow" ? "block" : reason})`;
    this.deadLetters.fromEnvelope(envelope, reason, detail, live.label);
  }

  private retire(live: LiveSubscription): void {
    if (live.closed) return;
    live.closed = true;
    live.mailbox.close();
    this.retiredDelivered += live.mailbox.delivered;
    this.subscriptions.delete(live);
  }

  private ensureInbox(): Promise<Subscription> {
    this.inbox ??= this.subscribe(this.requests.inboxPattern, (reply) => this.requests.settle(reply), {
      subscriber: `${this.source}.inbox`,
    });
    this.inbox.catch(() => {
      this.inbox = undefined; // try again on the next request
    });
    return this.inbox;
  }
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return value !== undefined && value !== null && typeof (value as { then?: unknown }).then === "function";
}
