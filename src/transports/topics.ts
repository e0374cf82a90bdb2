import { PlexusError } from "../common/errors.js";

/**
 * Topic grammar (shared by every transport and the Bus):
 *
 * - A topic is one or more dot-separated, non-empty segments of `[A-Za-z0-9_:-]`, at most
 *   {@link MAX_TOPIC_LENGTH} characters: `kasmina.telemetry.seed-1`, `registry:events.up`.
 * - A pattern is a topic whose segments may also be the wildcards `*` (exactly one segment) or
 *   `>` (one or more trailing segments; only as the last segment). Wildcards are whole segments:
 *   `a*` or `a.>b` are invalid.
 * - System topics: a topic whose FIRST segment starts with `_` (`_dead.<topic>` dead letters,
 *   `_inbox.<id>` request replies) is reserved for the runtime. A wildcard in the first segment of
 *   a pattern (`>`, `*.x`) never matches a system topic, so a catch-all subscriber does not receive
 *   every reply and dead letter (the same rule NATS applies to `$` subjects). Subscribe to them by
 *   name: `_dead.>`, `_dead.orders.*`. Dead letters and replies are published by the runtime
 *   only: `bus.publish` (and so `POST /publish` and `plexus pub`) refuses `_dead.*` and `_inbox.*`
 *   with `RESERVED_TOPIC`, because a forged dead letter or reply would be indistinguishable from
 *   the runtime's own. A request is answered by returning the reply from the handler.
 */

/** Longest accepted topic or pattern, in characters; keeps keys and frames bounded. */
export const MAX_TOPIC_LENGTH = 1024;

/** Segment that matches exactly one segment. */
export const SINGLE_WILDCARD = "*";
/** Segment that matches one or more trailing segments; must be the last segment. */
export const TAIL_WILDCARD = ">";

const TOPIC_RE = /^[A-Za-z0-9_:-]+(?:\.[A-Za-z0-9_:-]+)*$/;
const SEGMENT_RE = /^[A-Za-z0-9_:-]+$/;

/** True for topics reserved for the runtime (first segment starts with `_`). */
export function isSystemTopic(topic: string): boolean {
  return topic.charCodeAt(0) === 95; /* "_" */
}

/**
 * Why `topic` is not a valid topic, or undefined when it is. For topics that arrive from other
 * processes (a ZeroMQ frame, a Redis entry), where a bad one is dead-lettered rather than thrown.
 * A topic holding U+FFFD is reported as not UTF-8: that is what decoding invalid bytes produces.
 */
export function topicProblem(topic: string): string | undefined {
  if (topic.length > 0 && topic.length <= MAX_TOPIC_LENGTH && TOPIC_RE.test(topic)) return undefined;
  if (topic.length === 0) return "the topic is empty";
  const shown = JSON.stringify(topic.length > 80 ? `${topic.slice(0, 80)}…` : topic);
  if (topic.length > MAX_TOPIC_LENGTH) return `topic ${shown} has ${topic.length} characters, over the limit of ${MAX_TOPIC_LENGTH}`;
  if (topic.includes("\uFFFD")) return `topic ${shown} is not valid UTF-8`;
  return `topic ${shown} is not a valid topic: ${explainTopicProblem(topic)}`;
}

/** Throws PlexusError `INVALID_TOPIC` unless `topic` is a publishable (wildcard-free) topic. */
export function validateTopic(topic: string): void {
  if (typeof topic !== "string" || topic.length === 0) {
    throw new PlexusError(
      "INVALID_TOPIC",
      `Invalid topic ${JSON.stringify(topic)}: a topic must be a non-empty string of dot-separated segments like "orders.created".`,
      { retryable: false },
    );
  }
  if (topic.length > MAX_TOPIC_LENGTH) {
    throw new PlexusError(
      "INVALID_TOPIC",
      `Invalid topic "${topic.slice(0, 40)}…": ${topic.length} characters exceeds the limit of ${MAX_TOPIC_LENGTH}; use shorter segments.`,
      { retryable: false },
    );
  }
  if (TOPIC_RE.test(topic)) return;
  throw new PlexusError("INVALID_TOPIC", `Invalid topic "${topic}": ${explainTopicProblem(topic)}`, { retryable: false });
}

/** First segment of request-reply inbox topics: `_inbox.<bus id>.<correlation id>`. */
export const INBOX_SEGMENT = "_inbox";

/**
 * Throws PlexusError `RESERVED_TOPIC` for a topic only the runtime publishes on: dead letters
 * (under `deadLetterPrefix`, `_dead` by default) and request replies (`_inbox.*`). Callers of
 * `bus.publish` may not forge those (see the file comment); other system topics (`_doctor.*`)
 * stay publishable. The Bus's own dead letters and replies do not go through this check.
 */
export function assertNotReserved(topic: string, deadLetterPrefix = "_dead"): void {
  if (!isSystemTopic(topic) && !topic.startsWith(deadLetterPrefix)) return;
  const first = topic.split(".", 1)[0];
  if (first !== deadLetterPrefix && first !== INBOX_SEGMENT) return;
  throw new PlexusError(
    "RESERVED_TOPIC",
    `Topic "${topic.length > 80 ? `${topic.slice(0, 80)}…` : topic}" is reserved for the runtime: ${deadLetterPrefix}.* carries its dead letters and ${INBOX_SEGMENT}.* its request replies. Publish on a topic of your own; to answer a bus.request, return the reply from the handler.`,
    { retryable: false },
  );
}

/** Throws PlexusError `INVALID_PATTERN` unless `pattern` is a valid subscription pattern. */
export function validatePattern(pattern: string): void {
  if (typeof pattern !== "string" || pattern.length === 0) {
    throw new PlexusError(
      "INVALID_PATTERN",
      `Invalid pattern ${JSON.stringify(pattern)}: a pattern must be a non-empty string of dot-separated segments like "orders.*" or "telemetry.>".`,
      { retryable: false },
    );
  }
  if (pattern.length > MAX_TOPIC_LENGTH) {
    throw new PlexusError(
      "INVALID_PATTERN",
      `Invalid pattern "${pattern.slice(0, 40)}…": ${pattern.length} characters exceeds the limit of ${MAX_TOPIC_LENGTH}.`,
      { retryable: false },
    );
  }
  const segments = pattern.split(".");
  for (let i = 0; i < segments.length; i++) {
    const segment = segments[i] as string;
    if (segment === SINGLE_WILDCARD) continue;
    if (segment === TAIL_WILDCARD) {
      if (i === segments.length - 1) continue;
      throw new PlexusError(
        "INVALID_PATTERN",
        `Invalid pattern "${pattern}": ">" matches the rest of the topic, so it must be the last segment (segment ${i + 1}).`,
        { retryable: false },
      );
    }
    if (segment.length === 0) {
      throw new PlexusError(
        "INVALID_PATTERN",
        `Invalid pattern "${pattern}": segment ${i + 1} is empty; remove the leading, trailing or doubled dot.`,
        { retryable: false },
      );
    }
    if (!SEGMENT_RE.test(segment)) {
      const hint =
        segment.includes("*") || segment.includes(">")
          ? `wildcards must be whole segments ("a.*", not "a*")`
          : `segments may contain only letters, digits, "_", "-" and ":"`;
      throw new PlexusError("INVALID_PATTERN", `Invalid pattern "${pattern}": segment ${i + 1} "${segment}" is not allowed; ${hint}.`, {
        retryable: false,
      });
    }
  }
}

/**
 * True when `topic` matches `pattern`. Both are assumed valid (validate at the edges, not per
 * message). See the file comment for the system-topic rule.
 */
export function patternMatches(pattern: string, topic: string): boolean {
  if (pattern === topic) return true;
  if (!isWildcard(pattern)) return false;
  const patternSegments = pattern.split(".");
  const topicSegments = topic.split(".");
  const first = patternSegments[0];
  if (isSystemTopic(topic) && (first === SINGLE_WILDCARD || first === TAIL_WILDCARD)) return false;
  for (let i = 0; i < patternSegments.length; i++) {
    const segment = patternSegments[i];
    if (segment === TAIL_WILDCARD) return topicSegments.length > i; // one or more remain
    if (i >= topicSegments.length) return false;
    if (segment !== SINGLE_WILDCARD && segment !== topicSegments[i]) return false;
  }
  return patternSegments.length === topicSegments.length;
}

/**
 * The literal text every matching topic starts with, for transports that filter by prefix (ZeroMQ
 * SUB, Redis per-topic streams): `"a.b.*.c"` → `"a.b."`, `"a.b"` → `"a.b"`, `">"` → `""`.
 * Note `"a.b"` as a prefix also admits `"a.bc"`; transports must still check with {@link patternMatches}.
 */
export function literalPrefix(pattern: string): string {
  if (!isWildcard(pattern)) return pattern;
  const segments = pattern.split(".");
  let prefix = "";
  for (const segment of segments) {
    if (segment === SINGLE_WILDCARD || segment === TAIL_WILDCARD) break;
    prefix += `${segment}.`;
  }
  return prefix;
}

/** True when `pattern` contains a `*` or `>` segment (valid input assumed). */
export function isWildcard(pattern: string): boolean {
  // Wildcard characters are illegal inside literal segments, so a character scan is exact.
  return pattern.includes(SINGLE_WILDCARD) || pattern.includes(TAIL_WILDCARD);
}

function explainTopicProblem(topic: string): string {
  if (topic.includes("*") || topic.includes(">")) {
    return `wildcards ("*", ">") are for subscription patterns; publish to a concrete topic.`;
  }
  const segments = topic.split(".");
  const emptyAt = segments.findIndex((s) => s.length === 0);
  if (emptyAt >= 0) return `segment ${emptyAt + 1} is empty; remove the leading, trailing or doubled dot.`;
  const bad = segments.find((s) => !SEGMENT_RE.test(s)) ?? topic;
  return `segment "${bad}" contains characters other than letters, digits, "_", "-" and ":".`;
}
