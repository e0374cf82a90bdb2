import type { Logger } from "../../common/logger.js";
import { createEnvelope, type Envelope } from "../envelope.js";
import { ThrottledLog } from "../../common/throttled-log.js";
import { MAX_TOPIC_LENGTH, topicProblem } from "../topics.js";

/**
 * Last segment of the dead-letter topic of messages whose own topic is not valid (`x..bad`, bytes
 * that are not UTF-8): `_dead._invalid-topic`, with the original topic in `headers.topic`.
 */
export const INVALID_TOPIC_SEGMENT = "_invalid-topic";

/**
 * Dead letters: a message that could not be handled is published to `<prefix>.<original topic>`
 * (`_dead.orders.created`) with the original envelope (or the undecodable frame) as payload and
 * headers `reason` (a short code: `drop-oldest`, `handler-error`, `contract`, …), `error` (the
 * human detail, when there is one), `originalId` and `subscription` when known. A message whose
 * topic is not valid goes to `<prefix>._invalid-topic` with that topic in `headers.topic`.
 *
 * Dead-lettering never recurses: a failure on a dead-letter topic is counted and logged only.
 */
export class DeadLetters {
  /** Dead letters published. */
  published = 0;
  /** Failures on dead-letter topics, which are not dead-lettered again. */
  skipped = 0;
  private readonly throttled: ThrottledLog;

  constructor(
    readonly prefix: string,
    private readonly source: string,
    private readonly send: (envelope: Envelope) => void | Promise<unknown>,
    log: Logger,
  ) {
    this.throttled = new ThrottledLog(log);
  }

  /** True for topics under the dead-letter prefix. */
  isDeadLetterTopic(topic: string): boolean {
    return topic.startsWith(this.prefix) && (topic.length === this.prefix.length || topic.charCodeAt(this.prefix.length) === 46); /* "." */
  }

  /** Dead-letters a decoded envelope. */
  fromEnvelope(original: Envelope, reason: string, detail?: string, subscription?: string): void {
    const headers: Record<string, string> = { reason, originalId: original.id };
    if (detail !== undefined) headers.error = detail;
    if (subscription !== undefined) headers.subscription = subscription;
    this.emit(original.topic, original, headers);
  }

  /** Dead-letters something a transport could not turn into an envelope. */
  fromRaw(topic: string, reason: string, raw: unknown): void {
    this.emit(topic, raw, { reason });
  }

  private emit(topic: string, payload: unknown, headers: Record<string, string>): void {
    if (this.isDeadLetterTopic(topic)) {
      this.skipped++;
      this.throttled.warn(`skip:${topic}`, { topic, ...headers }, "failure on a dead-letter topic; not dead-lettered again");
      return;
    }
    // A topic that is not valid cannot be part of a topic: such letters share one, naming it in a header.
    const invalid = topicProblem(topic) !== undefined;
    const deadTopic = invalid ? `${this.prefix}.${INVALID_TOPIC_SEGMENT}` : `${this.prefix}.${topic}`;
    if (invalid) headers.topic = topic.length > MAX_TOPIC_LENGTH ? `${topic.slice(0, MAX_TOPIC_LENGTH)}…` : topic;
    const envelope = createEnvelope(deadTopic, payload, this.source, headers);
    this.published++;
    try {
      const result = this.send(envelope);
      if (result !== undefined) result.then(undefined, (error: unknown) => this.failed(topic, error));
    } catch (error) {
      this.failed(topic, error);
    }
  }

  private failed(topic: string, error: unknown): void {
    this.throttled.error(`fail:${topic}`, { topic, err: error }, "could not publish a dead letter");
  }
}
