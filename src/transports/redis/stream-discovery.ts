import type { Redis } from "ioredis";
import type { RedisStreamLayout } from "./stream-layout.js";
import { literalPrefix, patternMatches } from "../topics.js";

/** SCAN page size; large enough that a few thousand topic streams cost a handful of round trips. */
const SCAN_COUNT = 1_000;

/**
 * Finds the topic streams a wildcard pattern covers under the `per-topic` layout. Two sources:
 * the registry set `<prefix>:topics` that plexus publishers SADD to (cheap, read every round),
 * and a SCAN of `<prefix>:t:<literal prefix>*` (finds streams written by producers that do not
 * register, run less often). Matches are checked with the real pattern matcher, since a literal
 * prefix alone also admits `a.bc` for `a.b.*`.
 */
export class StreamDiscovery {
  private readonly commands: Redis;
  private readonly layout: RedisStreamLayout;
  private readonly pattern: string;

  constructor(commands: Redis, layout: RedisStreamLayout, pattern: string) {
    this.commands = commands;
    this.layout = layout;
    this.pattern = pattern;
  }

  /** Stream keys currently matching the pattern; `scan` adds a keyspace SCAN to the registry read. */
  async find(scan: boolean): Promise<string[]> {
    const topics = new Set<string>(await this.commands.smembers(this.layout.topicRegistry));
    if (scan) {
      const match = this.layout.scanPattern(literalPrefix(this.pattern));
      let cursor = "0";
      do {
        const [next, keys] = await this.commands.scan(cursor, "MATCH", match, "COUNT", SCAN_COUNT, "TYPE", "stream");
        cursor = next;
        for (const key of keys) {
          const topic = this.layout.topicOfStream(key);
          if (topic !== undefined) topics.add(topic);
        }
      } while (cursor !== "0");
    }
    const streams: string[] = [];
    for (const topic of topics) {
      if (patternMatches(this.pattern, topic)) streams.push(this.layout.topicStream(topic));
    }
    return streams.sort();
  }
}
