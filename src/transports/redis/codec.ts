import { isEnvelope, type Envelope } from "../envelope.js";
import { DEFAULT_MAX_DEPTH } from "../bus/bus-config.js";
import { parseReceivedJson } from "../received-json.js";
import { topicMismatch } from "../topic-mismatch.js";
import { stringifyEnvelope, type Refusal } from "../unencodable.js";

/**
 * How envelopes are laid out in a Redis Stream entry, and how foreign entries (written by an
 * ORION-style bus or any other producer sharing the stream) are read back.
 *
 * plexus writes two fields per entry: `topic` (so consumers can filter without parsing JSON) and
 * `envelope` (the whole envelope as JSON). `redis-cli XRANGE <stream> - +` shows both as text.
 *
 * With the opt-in `transport.pack` above 1, a run of envelopes on one topic is written as one
 * packed entry instead: `topic` and `envelopes` (a JSON array of whole envelopes, all on that
 * topic). Foreign readers see that array where they expect one message, so packing is for plexus
 * peers only; plexus consumers always read both forms, so packed and plain publishers can mix.
 */

/** Field holding the topic; read before anything else so filtered entries cost no JSON parse. */
export const TOPIC_FIELD = "topic";
/** Field holding the JSON envelope written by plexus. */
export const ENVELOPE_FIELD = "envelope";
/** Field holding the JSON array of a packed entry's envelopes (all on the entry's topic). */
export const ENVELOPES_FIELD = "envelopes";
/** Name recorded as `envelope.source` for entries that were not written by plexus. */
export const EXTERNAL_SOURCE = "external";

/** Fields foreign producers use for the topic, in the order they are tried. */
const FOREIGN_TOPIC_FIELDS = [TOPIC_FIELD, "event_type", "type", "event"] as const;
/** Fields foreign producers use for a JSON body, in the order they are tried. */
const FOREIGN_BODY_FIELDS = ["data", "payload", "message", "body"] as const;

/** Outcome of reading one stream entry. */
export type DecodedEntry =
  | { kind: "envelope"; envelope: Envelope; foreign: boolean }
  | { kind: "packed"; topic: string; envelopes: Envelope[] }
  | { kind: "undecodable"; topic: string | undefined; reason: string };

/** The stream fields for `envelope`, ready to follow `XADD key … *`. */
export function encodeEnvelope(envelope: Envelope): [string, string, string, string] {
  return [TOPIC_FIELD, envelope.topic, ENVELOPE_FIELD, JSON.stringify(envelope)];
}

/** One stream entry to write: its fields and how many envelopes it carries. */
export interface EncodedEntry {
  topic: string;
  fields: [string, string, string, string];
  count: number;
}

/**
 * Stream entries for `batch`: each run of consecutive envelopes on one topic, at most `pack` long,
 * becomes one packed entry, so publish order is kept across topics. A run of one is written in the
 * plain form (readable by anyone). `pack` 1 gives exactly one plain entry per envelope. An
 * envelope JSON cannot encode is left out and recorded in `refused`. `encoded[i]`, when given, is
 * the JSON of `batch[i]` already made (by the Bus) and is used as is.
 */
export function encodeEntries(
  batch: readonly Envelope[],
  pack: number,
  refused: Refusal[],
  encoded?: readonly (string | undefined)[],
): EncodedEntry[] {
  const entries: EncodedEntry[] = [];
  let topic = "";
  let run: string[] = [];
  const flush = () => {
    if (run.length === 1) entries.push({ topic, fields: [TOPIC_FIELD, topic, ENVELOPE_FIELD, run[0] as string], count: 1 });
    else if (run.length > 1)
      entries.push({ topic, fields: [TOPIC_FIELD, topic, ENVELOPES_FIELD, `[${run.join(",")}]`], count: run.length });
    run = [];
  };
  for (let i = 0; i < batch.length; i++) {
    const envelope = batch[i] as Envelope;
    const json = encoded?.[i] ?? stringifyEnvelope(envelope, refused);
    if (json === undefined) continue;
    if (run.length > 0 && (envelope.topic !== topic || run.length >= pack)) flush();
    topic = envelope.topic;
    run.push(json);
  }
  flush();
  return entries;
}

/** Turns the flat `[field, value, field, value, …]` reply of XREAD* into a record. */
export function entryFields(flat: readonly string[]): Record<string, string> {
  const fields: Record<string, string> = {};
  for (let i = 0; i + 1 < flat.length; i += 2) fields[flat[i] as string] = flat[i + 1] as string;
  return fields;
}

/** The topic of an entry (plexus or foreign), without parsing any JSON; undefined when absent. */
export function entryTopic(fields: Record<string, string>): string | undefined {
  for (const name of FOREIGN_TOPIC_FIELDS) {
    const value = fields[name];
    if (value !== undefined && value.length > 0) return value;
  }
  return undefined;
}

/**
 * Decodes one entry. plexus entries must carry a valid JSON envelope; foreign entries are wrapped
 * into an envelope whose `source` is `external`, whose payload is their JSON body and whose id is
 * their own `id` field or, failing that, derived from the stream entry id (so a redelivery keeps
 * the same id and is deduplicated). Anything else is undecodable, with the reason.
 */
export function decodeEntry(entryId: string, fields: Record<string, string>, maxDepth: number = DEFAULT_MAX_DEPTH): DecodedEntry {
  const topic = entryTopic(fields);
  const rawEnvelope = fields[ENVELOPE_FIELD];
  if (rawEnvelope !== undefined) return decodeEnvelopeField(entryId, topic, rawEnvelope, maxDepth);
  const rawEnvelopes = fields[ENVELOPES_FIELD];
  if (rawEnvelopes !== undefined) return decodeEnvelopesField(entryId, topic, rawEnvelopes, maxDepth);
  return wrapForeign(entryId, fields, topic, maxDepth);
}

/** A plexus entry recognised from its raw field list: plain (`envelope`) or packed (`envelopes`). */
export interface PlexusEntry {
  topic: string;
  json: string;
  packed: boolean;
}

/**
 * If `flat` is exactly what {@link encodeEntries} writes, its topic, JSON and form; else
 * undefined. Lets the hot path skip building a field record for plexus's own entries.
 */
export function plexusEntry(flat: readonly string[]): PlexusEntry | undefined {
  if (flat.length !== 4 || flat[0] !== TOPIC_FIELD) return undefined;
  if (flat[2] === ENVELOPE_FIELD) return { topic: flat[1] as string, json: flat[3] as string, packed: false };
  if (flat[2] === ENVELOPES_FIELD) return { topic: flat[1] as string, json: flat[3] as string, packed: true };
  return undefined;
}

/**
 * Decodes the JSON array of an `envelopes` field. Every element must be an envelope on the entry's
 * topic: filtering reads only the entry's `topic` field, so a stray topic inside would be
 * delivered to subscribers that never asked for it. One bad element makes the whole entry
 * undecodable (it is dead-lettered whole, with every envelope kept in its fields).
 */
export function decodeEnvelopesField(
  entryId: string,
  topic: string | undefined,
  json: string,
  maxDepth: number = DEFAULT_MAX_DEPTH,
): DecodedEntry {
  if (topic === undefined) return { kind: "undecodable", topic, reason: `packed entry ${entryId} has no "${TOPIC_FIELD}" field` };
  const received = parseReceivedJson(json, maxDepth, "envelope-array");
  if (!received.ok) return { kind: "undecodable", topic, reason: `field "${ENVELOPES_FIELD}" of entry ${entryId} ${received.problem}` };
  const parsed = received.value;
  if (!Array.isArray(parsed) || parsed.length === 0) {
    return {
      kind: "undecodable",
      topic,
      reason: `field "${ENVELOPES_FIELD}" of entry ${entryId} is not a non-empty JSON array of envelopes`,
    };
  }
  for (let i = 0; i < parsed.length; i++) {
    const item: unknown = parsed[i];
    if (!isEnvelope(item)) {
      return {
        kind: "undecodable",
        topic,
        reason: `element ${i} of field "${ENVELOPES_FIELD}" of entry ${entryId} is not an envelope (needs id, topic, ts, source, payload)`,
      };
    }
    if (item.topic !== topic) {
      return {
        kind: "undecodable",
        topic,
        reason: `element ${i} of packed entry ${entryId} is on topic "${item.topic}", not the entry's topic "${topic}"`,
      };
    }
  }
  return { kind: "packed", topic, envelopes: parsed as Envelope[] };
}

/** Decodes the JSON of an `envelope` field. */
export function decodeEnvelopeField(
  entryId: string,
  topic: string | undefined,
  json: string,
  maxDepth: number = DEFAULT_MAX_DEPTH,
): DecodedEntry {
  const received = parseReceivedJson(json, maxDepth);
  if (!received.ok) return { kind: "undecodable", topic, reason: `field "${ENVELOPE_FIELD}" of entry ${entryId} ${received.problem}` };
  const parsed = received.value;
  if (!isEnvelope(parsed)) {
    return {
      kind: "undecodable",
      topic,
      reason: `field "${ENVELOPE_FIELD}" of entry ${entryId} is JSON but not an envelope (needs id, topic, ts, source, payload)`,
    };
  }
  // Consumers filter on the entry's topic field: an envelope of another topic would reach the wrong subscribers.
  if (topic !== undefined && parsed.topic !== topic)
    return { kind: "undecodable", topic, reason: topicMismatch(parsed.topic, topic, "entry") };
  return { kind: "envelope", envelope: parsed, foreign: false };
}

function wrapForeign(entryId: string, fields: Record<string, string>, topic: string | undefined, maxDepth: number): DecodedEntry {
  if (topic === undefined) {
    return { kind: "undecodable", topic, reason: `foreign entry ${entryId} has no topic field (tried ${FOREIGN_TOPIC_FIELDS.join(", ")})` };
  }
  const bodyField = FOREIGN_BODY_FIELDS.find((name) => fields[name] !== undefined);
  if (bodyField === undefined) {
    return {
      kind: "undecodable",
      topic,
      reason: `foreign entry ${entryId} on "${topic}" has neither an "${ENVELOPE_FIELD}" field nor a JSON body field (tried ${FOREIGN_BODY_FIELDS.join(", ")})`,
    };
  }
  const received = parseReceivedJson(fields[bodyField] as string, maxDepth, "payload");
  if (!received.ok) {
    return { kind: "undecodable", topic, reason: `field "${bodyField}" of foreign entry ${entryId} on "${topic}" ${received.problem}` };
  }
  const payload = received.value;
  const ownId = fields.id ?? fields.event_id;
  const envelope: Envelope = {
    id: ownId !== undefined && ownId.length > 0 ? ownId : `redis-${entryId}`,
    topic,
    ts: entryTimestamp(entryId),
    source: EXTERNAL_SOURCE,
    payload,
    headers: { "redis-entry-id": entryId },
  };
  return { kind: "envelope", envelope, foreign: true };
}

/** Milliseconds part of a stream entry id (`<ms>-<seq>`); the time Redis added the entry. */
export function entryTimestamp(entryId: string): number {
  const dash = entryId.indexOf("-");
  const ms = Number(dash < 0 ? entryId : entryId.slice(0, dash));
  return Number.isFinite(ms) ? ms : Date.now();
}
