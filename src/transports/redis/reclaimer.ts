import type { Redis } from "ioredis";
import type { Logger } from "../../common/logger.js";
import { toError } from "../../common/errors.js";
import type { BatchProcessor } from "./batch-processor.js";
import { decodeEntry, entryFields, entryTopic } from "./codec.js";
import type { DeadLetter, DeadLetterWriter } from "./dead-letter-writer.js";
import type { GroupCounters } from "./group-counters.js";
import { pruneIdleConsumers } from "./group-membership.js";
import { isNoGroupError, parseAutoClaimReply, parsePendingCounts, type RawEntry } from "./replies.js";

/** XAUTOCLAIM pages scanned per stream per round, so one round stays short with a huge PEL. */
const MAX_PAGES_PER_ROUND = 10;

/** What the reclaimer needs from its consumer. */
export interface ReclaimerOptions {
  commands: Redis;
  group: string;
  consumer: string;
  claimIdleMs: number;
  /** Consumers of the group with nothing pending, idle this long, are removed (0: never). */
  pruneIdleMs: number;
  maxDeliveries: number;
  batch: number;
  processor: BatchProcessor;
  deadLetters: DeadLetterWriter;
  counters: GroupCounters;
  log: Logger;
  /** The streams this subscription reads (may change under `per-topic` wildcards). */
  streams: () => readonly string[];
  /** Called when a stream or the group vanished; recreates them. */
  onNoGroup: (stream: string) => Promise<void>;
}

/**
 * Takes over entries left pending longer than `claimIdleMs` — by a consumer that died, by a
 * delivery that failed, by an ack lost with a connection — with XAUTOCLAIM, and delivers them
 * again through the subscription's BatchProcessor. Redis counts deliveries per entry; once an
 * entry has been delivered `maxDeliveries` times without an ack it is poison, and it is parked in
 * the dead-letter stream (and acked) instead of being delivered once more.
 *
 * Each pass also removes the group's consumers that hold nothing and have been idle
 * `pruneIdleMs` — what dead processes leave behind once their entries were taken over — so that
 * consumers do not pile up in the group.
 *
 * Runs on the shared command connection: XAUTOCLAIM does not block, so it must not queue behind
 * the subscription's blocking read.
 */
export class Reclaimer {
  private readonly options: ReclaimerOptions;
  private running: Promise<void> | undefined;

  constructor(options: ReclaimerOptions) {
    this.options = options;
  }

  /** One reclaim pass over every stream; concurrent calls share the pass in progress. */
  runOnce(): Promise<void> {
    if (this.running === undefined) {
      this.running = this.pass().finally(() => {
        this.running = undefined;
      });
    }
    return this.running;
  }

  /** Resolves when no pass is running. */
  async idle(): Promise<void> {
    await this.running;
  }

  private async pass(): Promise<void> {
    for (const stream of this.options.streams()) {
      try {
        await this.reclaimStream(stream);
        if (this.options.pruneIdleMs > 0) await this.prune(stream);
      } catch (error) {
        if (isNoGroupError(error)) {
          await this.options.onNoGroup(stream);
        } else {
          // Usually the connection is down; the next pass after reconnect picks the work up.
          this.options.log.debug({ stream, group: this.options.group, err: toError(error).message }, "redis reclaim pass failed");
        }
      }
    }
  }

  private async reclaimStream(stream: string): Promise<void> {
    const { commands, group, consumer, claimIdleMs, batch } = this.options;
    let cursor = "0-0";
    for (let page = 0; page < MAX_PAGES_PER_ROUND; page++) {
      const reply = parseAutoClaimReply(await commands.xautoclaim(stream, group, consumer, claimIdleMs, cursor, "COUNT", batch));
      if (reply.deletedIds.length > 0) this.reportTrimmed(stream, reply.deletedIds);
      const claimed = reply.entries.filter(([id]) => !this.options.processor.isInFlight(id));
      if (claimed.length > 0) await this.redeliver(stream, claimed);
      cursor = reply.cursor;
      if (cursor === "0-0") break;
    }
  }

  private async prune(stream: string): Promise<void> {
    const { commands, group, consumer, pruneIdleMs, log } = this.options;
    const removed = await pruneIdleConsumers(commands, stream, group, consumer, pruneIdleMs);
    if (removed > 0) log.debug({ stream, group, removed }, "removed consumers of the group that held nothing and were idle");
  }

  /**
   * Delivers entries this consumer holds pending (claimed, or read back from its own pending
   * list), parking those already delivered more than `maxDeliveries` times instead.
   */
  async redeliver(stream: string, claimed: RawEntry[]): Promise<void> {
    const { commands, group, consumer, maxDeliveries, processor } = this.options;
    const first = claimed[0]?.[0] as string;
    const last = claimed[claimed.length - 1]?.[0] as string;
    // XAUTOCLAIM does not say how often an entry was delivered; XPENDING over the claimed range
    // does. Our own in-flight entries may sit in the same range, hence the headroom in COUNT.
    const counts = parsePendingCounts(
      await commands.xpending(stream, group, first, last, claimed.length + processor.inFlightCount + 1, consumer),
    );
    const deliverable: RawEntry[] = [];
    const poison: Array<Promise<void>> = [];
    for (const entry of claimed) {
      const deliveries = counts.get(entry[0]) ?? 1;
      // The claim itself counted as a delivery: above maxDeliveries means the handler already ran
      // maxDeliveries times without an ack.
      if (maxDeliveries > 0 && deliveries > maxDeliveries && entry[1] !== null) {
        poison.push(this.park(stream, entry[0], entry[1], deliveries - 1));
      } else {
        deliverable.push(entry);
      }
    }
    await Promise.all(poison);
    if (deliverable.length > 0) {
      this.options.counters.reclaimed += deliverable.length;
      await processor.process(stream, deliverable);
    }
  }

  private async park(stream: string, entryId: string, flat: string[], attempts: number): Promise<void> {
    const { group, maxDeliveries, processor, deadLetters, counters, log } = this.options;
    const fields = entryFields(flat);
    const decoded = decodeEntry(entryId, fields, processor.maxDepth);
    const lastError = processor.lastError(entryId);
    let reason = `delivered ${attempts} times without success (maxDeliveries ${maxDeliveries})${lastError ? `; last error: ${lastError}` : ""}`;
    let packed: Pick<DeadLetter, "envelopeIds" | "unhandledIds"> = {};
    if (decoded.kind === "packed") {
      // The whole entry is parked; say which of its envelopes never succeeded, so an operator
      // replaying the dead letter knows which ones still need handling.
      const envelopeIds = decoded.envelopes.map((envelope) => envelope.id);
      const unhandledIds = envelopeIds.filter((id) => !processor.wasHandled(id));
      packed = { envelopeIds, unhandledIds };
      reason += `; packed entry of ${envelopeIds.length} envelopes, ${unhandledIds.length} not handled`;
    }
    try {
      await deadLetters.park({
        stream,
        group,
        entryId,
        topic: decoded.kind === "undecodable" ? entryTopic(fields) : decoded.kind === "packed" ? decoded.topic : decoded.envelope.topic,
        reason,
        deliveries: attempts,
        raw: decoded.kind === "undecodable" ? fields : decoded.kind === "packed" ? decoded.envelopes : decoded.envelope,
        fields,
        ...packed,
      });
      counters.deadLettered++;
    } catch (error) {
      log.warn(
        { stream, group, entry: entryId, err: toError(error).message },
        "redis dead-lettering failed; the entry stays pending and will be retried",
      );
    }
  }

  private reportTrimmed(stream: string, ids: string[]): void {
    // Redis 7 already removed these from the PEL; all that is left is to say so, loudly.
    this.options.counters.trimmedWhilePending += ids.length;
    this.options.log.error(
      { stream, group: this.options.group, entries: ids.length, first: ids[0] },
      `${ids.length} pending redis entries were deleted before being acked (the stream reached transport.maxLenHard, or another client trimmed it) and are lost: add consumers or raise transport.maxLenHard`,
    );
  }
}
