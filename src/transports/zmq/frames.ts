import { createEnvelope, isEnvelope, type Envelope } from "../envelope.js";
import { nestedDeeperThan } from "../../common/json-depth.js";
import { DEFAULT_MAX_DEPTH } from "../bus/bus-config.js";
import { parseReceivedJson, tooDeep } from "../received-json.js";
import { topicMismatch } from "../topic-mismatch.js";
import { stringifyEnvelope, type Refusal } from "../unencodable.js";

/**
 * Wire format of the zmq transport, identical to what plain pyzmq/libzmq clients of an XSUB/XPUB
 * proxy use: a two-frame multipart message `[topic, json]`.
 *
 * - plexus → anyone: frame 1 is the JSON of the whole envelope, so a foreign subscriber doing
 *   `recv_multipart()` gets exactly `[topic, json]` per message (no batch frames, no markers).
 * - foreign → plexus: frame 1 may be any JSON; when it is not an envelope it is wrapped in one
 *   (`source: "external"`, topic from frame 0). Anything else is a decode failure the transport
 *   dead-letters with the reason.
 */
export type ZmqFrames = [string, string];

/** Source recorded on envelopes wrapped around foreign JSON. */
export const EXTERNAL_SOURCE = "external";

/** Encodes one envelope as `[topic, json]`. */
export function encodeEnvelope(envelope: Envelope): ZmqFrames {
  return [envelope.topic, JSON.stringify(envelope)];
}

/** A zmq message ready to send and how many envelopes it carries. */
export interface EncodedMessage {
  frames: string[];
  count: number;
}

/**
 * The default wire form: one `[topic, json]` message per envelope. An envelope JSON cannot encode
 * is left out and recorded in `refused`.
 */
export function encodeEach(batch: readonly Envelope[], refused: Refusal[]): EncodedMessage[] {
  const messages: EncodedMessage[] = [];
  for (const envelope of batch) {
    const json = stringifyEnvelope(envelope, refused);
    if (json !== undefined) messages.push({ frames: [envelope.topic, json], count: 1 });
  }
  return messages;
}

/**
 * The opt-in `batchFrames` form: each run of consecutive envelopes on one topic (at most
 * `maxPerMessage`) becomes one batch message, so order is kept across topics. An envelope JSON
 * cannot encode is left out and recorded in `refused`.
 */
export function encodeRuns(batch: readonly Envelope[], maxPerMessage: number, refused: Refusal[]): EncodedMessage[] {
  const limit = Math.max(1, maxPerMessage);
  const messages: EncodedMessage[] = [];
  let topic = "";
  let jsons: string[] = [];
  for (const envelope of batch) {
    if (jsons.length > 0 && (envelope.topic !== topic || jsons.length >= limit)) {
      messages.push({ frames: encodeBatch(topic, jsons), count: jsons.length });
      jsons = [];
    }
    const json = stringifyEnvelope(envelope, refused);
    if (json === undefined) continue;
    topic = envelope.topic;
    jsons.push(json);
  }
  if (jsons.length > 0) messages.push({ frames: encodeBatch(topic, jsons), count: jsons.length });
  return messages;
}

/** Result of decoding one received multipart message. */
export type DecodedFrames = { ok: true; envelope: Envelope; foreign: boolean } | { ok: false; topic: string; reason: string; raw: unknown };

/**
 * Decodes `[topic, json]` received from the proxy. `topic` is frame 0 already read by the caller
 * (it needed it for routing); `frames` are all the frames as received.
 */
export function decodeFrames(topic: string, frames: readonly Buffer[], maxDepth: number = DEFAULT_MAX_DEPTH): DecodedFrames {
  if (frames.length !== 2) {
    return {
      ok: false,
      topic,
      reason: `expected a 2-frame [topic, json] message, got ${frames.length} frame(s); send with send_multipart([topic, json])`,
      raw: frames.map((frame) => frame.toString("utf8")),
    };
  }
  const text = (frames[1] as Buffer).toString("utf8");
  const parsed = parseReceivedJson(text, maxDepth);
  if (!parsed.ok) return { ok: false, topic, reason: `frame 1 ${parsed.problem}; publish [topic, json]`, raw: text };
  const value = parsed.value;
  if (isEnvelope(value)) {
    if (value.topic !== topic) return { ok: false, topic, reason: topicMismatch(value.topic, topic, "frame"), raw: text };
    return { ok: true, envelope: value, foreign: false };
  }
  // Foreign JSON becomes the payload of an envelope, which is one more level.
  if (nestedDeeperThan(value, maxDepth - 1)) return { ok: false, topic, reason: `frame 1 ${tooDeep(maxDepth)}`, raw: text };
  return { ok: true, envelope: createEnvelope(topic, value, EXTERNAL_SOURCE), foreign: true };
}

/**
 * Frame-0 marker of plexus batch messages `[marker + topic, json array of envelopes]`, sent only
 * by publishers with `batchFrames` on. It starts with a NUL byte, which no topic contains, so a
 * subscriber to any textual prefix (`orders.`) never receives one: foreign clients are never
 * handed a batch, but they also do not see that publisher's messages. Only a catch-all foreign
 * subscriber (prefix "") would; keep `batchFrames` off when such clients need plexus messages.
 */
export const BATCH_MARKER = "\u0000plexus-batch\u0000";

/** True when frame 0 carries the batch marker. */
export function isBatchTopic(frame0: string): boolean {
  return frame0.charCodeAt(0) === 0 && frame0.startsWith(BATCH_MARKER);
}

/** Encodes `count` envelope JSON strings (all on `topic`) as one batch message. */
export function encodeBatch(topic: string, jsons: readonly string[]): ZmqFrames {
  return [BATCH_MARKER + topic, `[${jsons.join(",")}]`];
}

/** Result of decoding a batch message. */
export type DecodedBatch = { ok: true; envelopes: Envelope[] } | { ok: false; topic: string; reason: string; raw: unknown };

/** Decodes a batch message whose frame 0 (marker removed) is `topic`. */
export function decodeBatch(topic: string, frames: readonly Buffer[], maxDepth: number = DEFAULT_MAX_DEPTH): DecodedBatch {
  const text = frames.length === 2 ? (frames[1] as Buffer).toString("utf8") : "";
  const parsed = parseReceivedJson(text, maxDepth, "envelope-array");
  if (!parsed.ok) return { ok: false, topic, reason: `plexus batch message ${parsed.problem}`, raw: text };
  const value = parsed.value;
  if (!Array.isArray(value) || !value.every(isEnvelope)) {
    return { ok: false, topic, reason: "plexus batch message is not an array of envelopes", raw: text };
  }
  const stray = value.find((envelope) => envelope.topic !== topic);
  if (stray !== undefined) return { ok: false, topic, reason: topicMismatch(stray.topic, topic, "frame"), raw: text };
  return { ok: true, envelopes: value };
}
