import type { TopicMatch } from "../analysis/integration/integration-facts.js";

/** Whether a subscription pattern needs matching, rather than a plain lookup of the topic. */
export function isPattern(pattern: string, match: TopicMatch): boolean {
  switch (match) {
    case "exact":
      return false;
    case "wildcard":
      return pattern.split(".").some((segment) => segment === "*" || segment === ">" || segment === "#");
    case "prefix":
      return true;
    case "glob":
      return /[*?[]/.test(pattern);
  }
}

/**
 * Whether a subscription consumes a topic. wildcard: dot-separated segments, `*` one segment,
 * `>` or `#` one or more trailing segments (plexus, NATS and AMQP alike); prefix: ZeroMQ's byte
 * prefix (the empty prefix takes everything); glob: Redis PSUBSCRIBE (`*`, `?`, `[…]`).
 */
export function topicMatches(pattern: string, match: TopicMatch, topic: string): boolean {
  switch (match) {
    case "exact":
      return pattern === topic;
    case "prefix":
      return topic.startsWith(pattern);
    case "glob":
      return globToRegExp(pattern).test(topic);
    case "wildcard": {
      const want = pattern.split(".");
      const have = topic.split(".");
      for (let i = 0; i < want.length; i++) {
        const segment = want[i]!;
        if ((segment === ">" || segment === "#") && i === want.length - 1) return have.length > i;
        if (i >= have.length) return false;
        if (segment !== "*" && segment !== have[i]) return false;
      }
      return have.length === want.length;
    }
  }
}

const globs = new Map<string, RegExp>();
function globToRegExp(glob: string): RegExp {
  let compiled = globs.get(glob);
  if (!compiled) {
    const source = glob
      .replace(/[.+^${}()|\\]/g, "\\$&")
      .replace(/\*/g, ".*")
      .replace(/\?/g, ".");
    globs.set(glob, (compiled = new RegExp(`^${source}$`, "s")));
  }
  return compiled;
}
