import type { Redis } from "ioredis";
import type { Logger } from "../../common/logger.js";
import type { TransportEvents } from "../transport.js";

/** One entry to park in the dead-letter stream. */
export interface DeadLetter {
  /** Stream and group the entry was read from; it is acked there once parked. */
  stream: string;
  group: string;
  entryId: string;
  topic: string | undefined;
  reason: string;
  /** Times Redis delivered it to the group, when known. */
  deliveries?: number;
  /** The decoded envelope when there is one, else the raw fields; passed to `onDeadLetter`. */
  raw: unknown;
  /** The entry's fields as stored, copied verbatim so nothing is lost. */
  fields: Record<string, string>;
  /** Packed entries: the id of every envelope in the entry, in order. */
  envelopeIds?: readonly string[];
  /** Packed entries: the ids of those not handled successfully by this consumer. */
  unhandledIds?: readonly string[];
}

/**
 * Parks entries that cannot be delivered (undecodable, or poison after `maxDeliveries`) in
 * `<prefix>:dead` (a packed entry is parked whole, with `envelopeIds` and `unhandledIds` fields) and acks the original, in one MULTI so an entry is never both lost and acked nor
 * parked twice by one writer. The dead stream is itself capped at `maxLen` (approximately): it is a
 * diagnostic store, and its size is reported like any stream's. The Bus is told through
 * `onDeadLetter` so it can publish `_dead.<topic>` and count it.
 */
export class DeadLetterWriter {
  private readonly commands: Redis;
  private readonly deadStream: string;
  private readonly maxLen: number;
  private readonly log: Logger;
  private readonly events: () => TransportEvents;
  private parked = 0;

  constructor(options: { commands: Redis; deadStream: string; maxLen: number; log: Logger; events: () => TransportEvents }) {
    this.commands = options.commands;
    this.deadStream = options.deadStream;
    this.maxLen = options.maxLen;
    this.log = options.log;
    this.events = options.events;
  }

  /** Parks `letter`; rejects (leaving the entry pending for a later attempt) when Redis fails. */
  async park(letter: DeadLetter): Promise<void> {
    const trim = this.maxLen > 0 ? ["MAXLEN", "~", String(this.maxLen)] : [];
    const fields = [
      "topic",
      letter.topic ?? "",
      "reason",
      letter.reason,
      "stream",
      letter.stream,
      "group",
      letter.group,
      "entry",
      letter.entryId,
      "deliveries",
      String(letter.deliveries ?? 0),
      "failedAt",
      String(Date.now()),
      "fields",
      JSON.stringify(letter.fields),
    ];
    if (letter.envelopeIds !== undefined) fields.push("envelopeIds", JSON.stringify(letter.envelopeIds));
    if (letter.unhandledIds !== undefined) fields.push("unhandledIds", JSON.stringify(letter.unhandledIds));
    const results = await this.commands
      .multi()
      .call("XADD", [this.deadStream, ...trim, "*", ...fields])
      .xack(letter.stream, letter.group, letter.entryId)
      .exec();
    const failure = results?.find(([error]) => error !== null)?.[0];
    if (results === null || failure) {
      throw new Error(
        `could not park entry ${letter.entryId} of ${letter.stream} in ${this.deadStream}: ${failure?.message ?? "transaction aborted"}`,
      );
    }
    this.parked++;
    this.log.warn(
      {
        stream: letter.stream,
        group: letter.group,
        entry: letter.entryId,
        topic: letter.topic,
        deliveries: letter.deliveries,
        deadStream: this.deadStream,
      },
      `redis entry dead-lettered: ${letter.reason}`,
    );
    this.events().onDeadLetter?.(letter.topic ?? "", letter.reason, letter.raw);
  }

  /** Entries parked by this writer since start. */
  get count(): number {
    return this.parked;
  }
}
