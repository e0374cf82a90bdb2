import { hostname } from "node:os";

/**
 * Where plexus keeps things in Redis. Two layouts:
 *
 * - `events` (default, ORION-compatible): every topic goes to one stream `<prefix>:events`; each
 *   consumer group reads everything and filters by topic locally.
 * - `per-topic`: one stream per topic, `<prefix>:t:<topic>`; publishers also add the topic to the
 *   set `<prefix>:topics` so wildcard subscribers can discover new streams without a full SCAN.
 *
 * Both layouts share the dead-letter stream `<prefix>:dead`.
 */
export class RedisStreamLayout {
  readonly prefix: string;
  readonly kind: "events" | "per-topic";

  constructor(prefix: string, kind: "events" | "per-topic") {
    this.prefix = prefix;
    this.kind = kind;
  }

  /** The single stream of the `events` layout. */
  get eventsStream(): string {
    return `${this.prefix}:events`;
  }

  /** Where entries that exhausted their deliveries or could not be decoded are parked. */
  get deadStream(): string {
    return `${this.prefix}:dead`;
  }

  /** Set of topics published under the `per-topic` layout (discovery registry). */
  get topicRegistry(): string {
    return `${this.prefix}:topics`;
  }

  /** Stream holding `topic` under the `per-topic` layout. */
  topicStream(topic: string): string {
    return `${this.prefix}:t:${topic}`;
  }

  /** Inverse of {@link topicStream}; undefined for keys that are not topic streams. */
  topicOfStream(key: string): string | undefined {
    const head = `${this.prefix}:t:`;
    return key.startsWith(head) ? key.slice(head.length) : undefined;
  }

  /** The stream a publish of `topic` goes to. */
  streamFor(topic: string): string {
    return this.kind === "events" ? this.eventsStream : this.topicStream(topic);
  }

  /** SCAN MATCH pattern for topic streams whose topic starts with `literalTopicPrefix`. */
  scanPattern(literalTopicPrefix: string): string {
    return `${escapeGlob(this.prefix)}:t:${escapeGlob(literalTopicPrefix)}*`;
  }

  /** Every key this layout may create (for cleanup and doctor checks); topic streams excluded. */
  fixedKeys(): string[] {
    return [this.eventsStream, this.deadStream, this.topicRegistry];
  }
}

// Redis glob metacharacters; escaped so a prefix like `app[1]` matches itself only.
function escapeGlob(text: string): string {
  return text.replace(/[*?[\]\\]/g, (c) => `\\${c}`);
}

/**
 * The consumer name of a subscription: `<subscriber>-<host>-<pid>`, with `-<n>` (from 2) added while
 * `taken` says a live subscription of this process already uses the name in the same group. Host
 * and pid keep processes apart (a consumer reads its own pending entries first, and those must
 * never be another process's) and make `XINFO CONSUMERS` readable; otherwise the name is stable,
 * so a subscriber whose subscription is opened again finds the entries it left pending.
 */
export function consumerName(subscriber: string, host: string = hostname(), taken: (name: string) => boolean = () => false): string {
  const base = `${subscriber}-${host}-${process.pid}`;
  if (!taken(base)) return base;
  for (let n = 2; ; n++) {
    const name = `${base}-${n}`;
    if (!taken(name)) return name;
  }
}
