import type { Redis } from "ioredis";
import type { Logger } from "../../common/logger.js";
import { toError } from "../../common/errors.js";
import type { Envelope } from "../envelope.js";
import {
  decodeEntry,
  decodeEnvelopeField,
  decodeEnvelopesField,
  entryFields,
  entryTopic,
  plexusEntry,
  type DecodedEntry,
} from "./codec.js";
import { DEFAULT_MAX_DEPTH } from "../bus/bus-config.js";
import type { DeadLetterWriter } from "./dead-letter-writer.js";
import type { DedupeWindow } from "./dedupe-window.js";
import type { GroupCounters } from "./group-counters.js";
import type { RawEntry } from "./replies.js";
import { patternMatches, topicProblem } from "../topics.js";
import type { Delivery } from "../transport.js";
import { outcomeDeliveryOf, type OutcomeDelivery } from "../delivery-outcome.js";

/** Most recent handler errors remembered (for dead-letter reasons); older ones are forgotten. */
const LAST_ERRORS_LIMIT = 10_000;
/** Topics whose match result is remembered; a busy stream has far fewer distinct topics. */
const TOPIC_CACHE_LIMIT = 4_096;

/**
 * Turns a batch of stream entries into deliveries and acks, for one subscription:
 * filter by topic → decode → dedupe → deliver → XACK what succeeded, one XACK per batch.
 *
 * Every delivery of a batch is started in stream order before any is awaited, so a Bus mailbox
 * sees entries in order and its concurrency setting decides how many handlers run. An entry is
 * acked only once its delivery promise resolves; a rejection leaves it pending, to be reclaimed
 * and delivered again (up to maxDeliveries). Entries already being handled here are never handed
 * out twice (a slow handler's entry can be reclaimed by this very consumer).
 *
 * A packed entry (several envelopes of one topic, `transport.pack`) is filtered once by its topic
 * and acked only when every envelope in it succeeded. One failure leaves the whole entry pending;
 * the envelopes that did succeed are in the dedupe window by then, so the redelivery runs only
 * the ones that failed. `delivered`, `failed` and `deduped` count envelopes; `acked`, `filtered`,
 * `reclaimed` and `deadLettered` count entries. A read of `batch` entries can therefore hold up to
 * `batch` × the publishers' `pack` envelopes; the Bus mailbox bounds what is queued behind that.
 */
export class BatchProcessor {
  private readonly pattern: string;
  private readonly group: string;
  private readonly deliver: Delivery;
  /** The callback form of `deliver` when it has one (a MessageBus's): no promise per message. */
  private readonly deliverWithOutcome: OutcomeDelivery | undefined;
  private readonly commands: Redis;
  private readonly deadLetters: DeadLetterWriter;
  private readonly dedupe: DedupeWindow;
  private readonly counters: GroupCounters;
  private readonly log: Logger;
  /** Deepest nesting accepted in an entry's JSON (`bus.maxDepth`). */
  readonly maxDepth: number;
  private readonly inFlight = new Set<string>();
  private readonly lastErrors = new Map<string, string>();
  /** Per topic: delivered here (true), not this subscription's (false), or why it is refused. */
  private readonly topicVerdicts = new Map<string, boolean | string>();
  /** The previous batch's XACK, awaited before the next one so at most one is outstanding. */
  private pendingAck: Promise<void> = Promise.resolve();

  constructor(options: {
    pattern: string;
    group: string;
    deliver: Delivery;
    commands: Redis;
    deadLetters: DeadLetterWriter;
    dedupe: DedupeWindow;
    counters: GroupCounters;
    log: Logger;
    /** `bus.maxDepth`: entries nested deeper are dead-lettered. Default: the schema's. */
    maxDepth?: number;
  }) {
    this.pattern = options.pattern;
    this.group = options.group;
    this.deliver = options.deliver;
    this.deliverWithOutcome = outcomeDeliveryOf(options.deliver);
    this.commands = options.commands;
    this.deadLetters = options.deadLetters;
    this.dedupe = options.dedupe;
    this.counters = options.counters;
    this.log = options.log;
    this.maxDepth = options.maxDepth ?? DEFAULT_MAX_DEPTH;
  }

  /**
   * Whether an entry on `topic` is for this subscription (true), not for it (false), or for it but
   * refused because the topic is not valid (the reason), remembered per topic (bounded). Other
   * writers can put anything in the topic field; an invalid topic that matches would otherwise be
   * delivered as if it were one.
   */
  private verdict(topic: string): boolean | string {
    let verdict = this.topicVerdicts.get(topic);
    if (verdict === undefined) {
      if (this.topicVerdicts.size >= TOPIC_CACHE_LIMIT) this.topicVerdicts.clear(); // only a cache
      verdict = patternMatches(this.pattern, topic) ? (topicProblem(topic) ?? true) : false;
      this.topicVerdicts.set(topic, verdict);
    }
    return verdict;
  }

  /** True while the entry is being handled by this subscription. */
  isInFlight(entryId: string): boolean {
    return this.inFlight.has(entryId);
  }

  get inFlightCount(): number {
    return this.inFlight.size;
  }

  /** True when the envelope `id` was handled successfully here recently (dedupe window). */
  wasHandled(envelopeId: string): boolean {
    return this.dedupe.has(envelopeId);
  }

  /** The last handler error seen here for `entryId`, for the dead-letter reason. */
  lastError(entryId: string): string | undefined {
    return this.lastErrors.get(entryId);
  }

  /** Handles `entries` of `stream`; resolves when every delivery settled and the XACK was sent. */
  async process(stream: string, entries: readonly RawEntry[]): Promise<void> {
    const toAck: string[] = [];
    const waits: Promise<void>[] = [];
    // Deliveries through the outcome callback still to settle, and who waits for the last one.
    const settling: { open: number; done: (() => void) | undefined } = { open: 0, done: undefined };
    for (const [entryId, flat] of entries) {
      if (flat === null) {
        // Deleted while pending (maxLenHard, or another client's XTRIM/XDEL): its content is gone. Clear it from the PEL.
        this.counters.trimmedWhilePending++;
        this.log.error(
          { stream, group: this.group, entry: entryId },
          "redis entry was deleted before it was acked (maxLenHard reached, or another client trimmed the stream): add consumers or raise transport.maxLenHard",
        );
        toAck.push(entryId);
        continue;
      }
      if (this.inFlight.has(entryId)) continue;
      const own = plexusEntry(flat);
      const fields = own === undefined ? entryFields(flat) : undefined;
      const topic = own?.topic ?? entryTopic(fields as Record<string, string>);
      const verdict = topic === undefined ? true : this.verdict(topic);
      if (verdict === false) {
        this.counters.filtered++;
        toAck.push(entryId);
        continue;
      }
      if (verdict !== true) {
        waits.push(this.parkUndecodable(stream, entryId, topic, verdict, fields ?? entryFields(flat)));
        continue;
      }
      const decoded: DecodedEntry =
        own === undefined
          ? decodeEntry(entryId, fields as Record<string, string>, this.maxDepth)
          : own.packed
            ? decodeEnvelopesField(entryId, topic, own.json, this.maxDepth)
            : decodeEnvelopeField(entryId, topic, own.json, this.maxDepth);
      if (decoded.kind === "undecodable") {
        waits.push(this.parkUndecodable(stream, entryId, decoded.topic, decoded.reason, fields ?? entryFields(flat)));
        continue;
      }
      if (decoded.kind === "packed") {
        const settled = this.deliverPacked(entryId, decoded.envelopes, toAck);
        if (settled !== undefined) waits.push(settled);
        continue;
      }
      const envelope = decoded.envelope;
      if (topic === undefined) {
        // An envelope field without a topic field: the envelope's own topic decides, as it would have.
        const own = this.verdict(envelope.topic);
        if (own === false) {
          this.counters.filtered++;
          toAck.push(entryId);
          continue;
        }
        if (own !== true) {
          waits.push(this.parkUndecodable(stream, entryId, envelope.topic, own, fields ?? entryFields(flat)));
          continue;
        }
      }
      if (this.dedupe.has(envelope.id)) {
        this.counters.deduped++;
        toAck.push(entryId);
        continue;
      }
      this.inFlight.add(entryId);
      this.counters.delivered++;
      const withOutcome = this.deliverWithOutcome;
      if (withOutcome !== undefined) {
        settling.open++;
        const envelopeId = envelope.id;
        try {
          // Inline, not a named const: one closure per message is all this path allocates.
          withOutcome(envelope, (handled, error) => {
            if (handled) this.recordSuccess(entryId, envelopeId, toAck);
            else {
              this.counters.failed++;
              this.recordFailure(entryId, error);
            }
            if (--settling.open === 0) settling.done?.();
          });
        } catch (error) {
          // Not expected (an OutcomeDelivery reports through its callback), but never leave the batch hanging.
          this.counters.failed++;
          this.recordFailure(entryId, error);
          settling.open--;
        }
        continue;
      }
      let result: void | Promise<void>;
      try {
        result = this.deliver(envelope);
      } catch (error) {
        this.counters.failed++;
        this.recordFailure(entryId, error);
        continue;
      }
      if (result !== undefined && typeof (result as Promise<void>).then === "function") {
        waits.push(
          (result as Promise<void>).then(
            () => this.recordSuccess(entryId, envelope.id, toAck),
            (error: unknown) => {
              this.counters.failed++;
              this.recordFailure(entryId, error);
            },
          ),
        );
      } else {
        this.recordSuccess(entryId, envelope.id, toAck);
      }
    }
    if (settling.open > 0) await new Promise<void>((resolve) => (settling.done = resolve));
    if (waits.length > 0) await Promise.all(waits);
    // Send this batch's XACK without waiting for it, but wait for the previous one: the next read
    // overlaps one ack round trip, and acks can never pile up without bound.
    const previous = this.pendingAck;
    if (toAck.length > 0) {
      const current = this.ack(stream, toAck);
      this.pendingAck = Promise.all([previous, current]).then(() => undefined);
    }
    await previous;
  }

  /** Resolves once the last XACK sent has answered. */
  async drain(): Promise<void> {
    await this.pendingAck;
  }

  /**
   * Starts the delivery of every envelope of a packed entry not already handled, in order, and
   * settles the entry once they all settled: acked when none failed, else left pending with the
   * first error. Each envelope that succeeds enters the dedupe window at once, so a redelivery of
   * the entry skips it even though the entry itself was not acked. Returns undefined when the
   * entry settled synchronously.
   */
  private deliverPacked(entryId: string, envelopes: readonly Envelope[], toAck: string[]): Promise<void> | undefined {
    this.inFlight.add(entryId);
    let failure: { error: unknown } | undefined;
    const fail = (error: unknown) => {
      this.counters.failed++;
      failure ??= { error };
    };
    const pending: Promise<void>[] = [];
    for (const envelope of envelopes) {
      if (this.dedupe.has(envelope.id)) {
        this.counters.deduped++;
        continue;
      }
      this.counters.delivered++;
      let result: void | Promise<void>;
      try {
        result = this.deliver(envelope);
      } catch (error) {
        fail(error); // the rest are still delivered: they are independent messages
        continue;
      }
      if (result !== undefined && typeof (result as Promise<void>).then === "function") {
        pending.push((result as Promise<void>).then(() => this.dedupe.add(envelope.id), fail));
      } else {
        this.dedupe.add(envelope.id);
      }
    }
    const settle = () => {
      if (failure === undefined) this.recordSuccess(entryId, undefined, toAck);
      else this.recordFailure(entryId, failure.error);
    };
    if (pending.length === 0) {
      settle();
      return undefined;
    }
    return Promise.all(pending).then(settle);
  }

  private recordSuccess(entryId: string, envelopeId: string | undefined, toAck: string[]): void {
    this.inFlight.delete(entryId);
    if (this.lastErrors.size > 0) this.lastErrors.delete(entryId);
    if (envelopeId !== undefined) this.dedupe.add(envelopeId);
    toAck.push(entryId);
  }

  /** The entry stays pending (no ack); its error is kept for a later dead-letter reason. */
  private recordFailure(entryId: string, error: unknown): void {
    this.inFlight.delete(entryId);
    if (this.lastErrors.size >= LAST_ERRORS_LIMIT) {
      const oldest = this.lastErrors.keys().next();
      if (!oldest.done) this.lastErrors.delete(oldest.value);
    }
    this.lastErrors.set(entryId, toError(error).message);
  }

  private async ack(stream: string, ids: string[]): Promise<void> {
    try {
      const acked = await this.commands.xack(stream, this.group, ...ids);
      this.counters.acked += Number(acked);
    } catch (error) {
      this.counters.ackFailures++;
      this.log.warn(
        { stream, group: this.group, entries: ids.length, err: toError(error).message },
        "redis XACK failed; the entries stay pending and will be reclaimed and deduplicated",
      );
    }
  }

  private async parkUndecodable(
    stream: string,
    entryId: string,
    topic: string | undefined,
    reason: string,
    fields: Record<string, string>,
  ): Promise<void> {
    try {
      await this.deadLetters.park({ stream, group: this.group, entryId, topic, reason, raw: fields, fields });
      this.counters.deadLettered++;
    } catch (error) {
      this.log.warn(
        { stream, group: this.group, entry: entryId, err: toError(error).message },
        "redis dead-lettering failed; the entry stays pending and will be retried",
      );
    }
  }
}
