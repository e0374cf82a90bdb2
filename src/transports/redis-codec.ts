import { isEnvelope, type Envelope } from "./envelope.js";

/**
 * How envelopes are laid out in a Redis Stream entry, and how foreign entries (written by an
 * ORION-style bus or any other producer sharing the stream) are read back.
 *
 * plexus writes two fields per entry: `topic` (so consumers can filter without parsing JSON) and
 * `envelope` (the whole envelope as JSON). `redis-cli XRANGE <stream> - +` shows both as text.
 */

/** Field holding the topic; read before anything else so filtered entries cost no JSON parse. */
export const TOPIC_FIELD = "topic";
/** Field holding the JSON envelope written by plexus. */
export const ENVELOPE_FIELD = "envelope";
/** Name recorded as `envelope.source` for entries that were not written by plexus. */
export const EXTERNAL_SOURCE = "external";

/** Fields foreign producers use for the topic, in the order they are tried. */
const FOREIGN_TOPIC_FIELDS = [TOPIC_FIELD, "event_type", "type", "event"] as const;
/** Fields foreign producers use for a JSON body, in the order they are tried. */
const FOREIGN_BODY_FIELDS = ["data", "payload", "message", "body"] as const;

/** Outcome of reading one stream entry. */
export type DecodedEntry =
  | { kind: "envelope"; envelope: Envelope; foreign: boolean }
  | { kind: "undecodable"; topic: string | undefined; reason: string };

/** The stream fields for `envelope`, ready to follow `XADD key … *`. */
export function encodeEnvelope(envelope: Envelope): [string, string, string, string] {
  return [TOPIC_FIELD, envelope.topic, ENVELOPE_FIELD, JSON.stringify(envelope)];
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
export function decodeEntry(entryId: string, fields: Record<string, string>): DecodedEntry {
  const topic = entryTopic(fields);
  const rawEnvelope = fields[ENVELOPE_FIELD];
  if (rawEnvelope !== undefined) return decodeEnvelopeField(entryId, topic, rawEnvelope);
  return wrapForeign(entryId, fields, topic);
}

/**
 * If `flat` is exactly what {@link encodeEnvelope} writes, its topic and envelope JSON; else
 * undefined. Lets the hot path skip building a field record for plexus's own entries.
 */
export function plexusEntry(flat: readonly string[]): { topic: string; json: string } | undefined {
  if (flat.length !== 4 || flat[0] !== TOPIC_FIELD || flat[2] !== ENVELOPE_FIELD) return undefined;
  return { topic: flat[1] as string, json: flat[3] as string };
}

/** Decodes the JSON of an `envelope` field. */
export function decodeEnvelopeField(entryId: string, topic: string | undefined, json: string): DecodedEntry {
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch (error) {
    return { kind: "undecodable", topic, reason: `field "${ENVELOPE_FIELD}" of entry ${entryId} is not JSON (${(error as Error).message})` };
  }
  if (!isEnvelope(parsed)) {
    return { kind: "undecodable", topic, reason: `field "${ENVELOPE_FIELD}" of entry ${entryId} is JSON but not an envelope (needs id, topic, ts, source, payload)` };
  }
  return { kind: "envelope", envelope: parsed, foreign: false };
}

function wrapForeign(entryId: string, fields: Record<string, string>, topic: string | undefined): DecodedEntry {
  if (topic === undefined) {
    return { kind: "undecodable", topic, reason: `foreign entry ${entryId} has no topic field (tried ${FOREIGN_TOPIC_FIELDS.join(", ")})` };
  }
  const bodyField = FOREIGN_BODY_FIELDS.find((name) => fields[name] !== undefined);
  if (bodyField === undefined) {
    return { kind: "undecodable", topic, reason: `foreign entry ${entryId} on "${topic}" has neither an "${ENVELOPE_FIELD}" field nor a JSON body field (tried ${FOREIGN_BODY_FIELDS.join(", ")})` };
  }
  let payload: unknown;
  try {
    payload = JSON.parse(fields[bodyField] as string);
  } catch (error) {
    return { kind: "undecodable", topic, reason: `field "${bodyField}" of foreign entry ${entryId} on "${topic}" is not JSON (${(error as Error).message})` };
  }
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
