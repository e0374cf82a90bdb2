import { toError } from "../common/errors.js";
import type { Envelope } from "./envelope.js";

/** An envelope JSON could not encode (a cycle, a BigInt, nesting beyond the stack), and why. */
export interface Refusal {
  envelope: Envelope;
  error: Error;
}

/**
 * The JSON of `envelope`, or undefined after recording in `refused` why there is none. Encoding
 * happens per envelope so that one that cannot be encoded is left out of its batch instead of
 * failing the batch: a failed batch stays at the head of the outbox, so one bad envelope would
 * block every publish queued behind it, for good.
 */
export function stringifyEnvelope(envelope: Envelope, refused: Refusal[]): string | undefined {
  try {
    return JSON.stringify(envelope);
  } catch (error) {
    refused.push({ envelope, error: toError(error) });
    return undefined;
  }
}

/** What is dead-lettered instead of an envelope that cannot be encoded: everything but its payload, which can. */
export interface UnencodableEnvelope {
  id: string;
  topic: string;
  ts: number;
  source: string;
}

/** The dead-letter reason and payload of a refusal. */
export function describeRefusal({ envelope, error }: Refusal): { reason: string; raw: UnencodableEnvelope } {
  return {
    reason: `envelope ${String(envelope.id)} cannot be encoded as JSON (${error.message}); dead-lettered without its payload`,
    raw: { id: String(envelope.id), topic: String(envelope.topic), ts: Number(envelope.ts), source: String(envelope.source) },
  };
}
