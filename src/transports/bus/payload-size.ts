import { PlexusError } from "../../common/errors.js";
import type { Envelope } from "../envelope.js";

/**
 * Enforces `bus.maxPayloadBytes` as cheaply as the transport allows. Across processes the payload
 * will be JSON anyway, so its JSON size is measured (UTF-16 length first: it bounds the UTF-8 size
 * from below, and from above when multiplied by 3, so the exact byte count is rarely needed). In
 * memory nothing is serialised, so only payloads whose size is known in O(1) (strings, buffers,
 * typed arrays) are checked; objects are not walked on the hot path.
 */
export function checkPayloadSize(topic: string, payload: unknown, maxBytes: number, serialised: boolean): void {
  if (!(maxBytes > 0)) return;
  if (!serialised) {
    if (typeof payload === "string") {
      if (payload.length * 3 > maxBytes) assertWithin(topic, Buffer.byteLength(payload, "utf8"), maxBytes);
    } else if (ArrayBuffer.isView(payload)) {
      assertWithin(topic, payload.byteLength, maxBytes);
    }
    return;
  }
  const text = encode(topic, payload);
  if (text === undefined || text.length * 3 <= maxBytes) return;
  assertWithin(topic, text.length > maxBytes ? text.length : Buffer.byteLength(text, "utf8"), maxBytes);
}

/**
 * The JSON of an envelope about to cross a process boundary, with its payload checked as
 * {@link checkPayloadSize} does: the text is needed anyway, so the payload is measured inside it
 * (the envelope's text bounds the payload's from above) and encoded on its own only when that
 * bound is not enough. The transport then sends this text instead of encoding the envelope again.
 */
export function encodeEnvelopeChecked(envelope: Envelope, maxBytes: number): string {
  const json = encodeEnvelope(envelope);
  checkEncodedEnvelope(envelope, json, maxBytes);
  return json;
}

/** The JSON of an envelope, unchecked (claim-check measures it before deciding what to send). */
export function encodeEnvelope(envelope: Envelope): string {
  return encode(envelope.topic, envelope) as string;
}

/** The check of {@link encodeEnvelopeChecked} on an envelope already encoded as `json`. */
export function checkEncodedEnvelope(envelope: Envelope, json: string, maxBytes: number): void {
  if (maxBytes > 0 && json.length * 3 > maxBytes) checkPayloadSize(envelope.topic, envelope.payload, maxBytes, true);
}

function encode(topic: string, value: unknown): string | undefined {
  try {
    return JSON.stringify(value);
  } catch (error) {
    throw new PlexusError(
      "PAYLOAD_NOT_SERIALIZABLE",
      `Payload for "${topic}" cannot be encoded as JSON (${(error as Error).message}); remove cycles and BigInt values.`,
      { retryable: false },
    );
  }
}

function assertWithin(topic: string, bytes: number, maxBytes: number): void {
  if (bytes <= maxBytes) return;
  throw new PlexusError(
    "PAYLOAD_TOO_LARGE",
    `Payload for "${topic}" is ${bytes} bytes, over bus.maxPayloadBytes (${maxBytes}); send a reference to the data (claim-check) or raise the limit.`,
    { retryable: false },
  );
}
