import { randomBytes } from "node:crypto";

/** The unit every transport moves. `id` is time-ordered and unique (UUIDv7 layout). */
export interface Envelope<P = unknown> {
  id: string;
  topic: string;
  /** Milliseconds since the epoch at publish time. */
  ts: number;
  /** Who published: an actor id, a runtime name, or `external` for foreign frames. */
  source: string;
  payload: P;
  headers?: Record<string, string>;
}

// UUIDv7: 48-bit ms timestamp, then a per-process random node part and a monotonic counter in
// the random bits. The hex prefix is cached per millisecond so an id costs one small concat.
const nodeHex = randomBytes(4).toString("hex"); // 32 random bits per process
let lastMs = -1;
let counter = 0;
let prefix = "";

function hex(value: number, width: number): string {
  return value.toString(16).padStart(width, "0");
}

/** A new UUIDv7-shaped id, strictly increasing (as a string) within this process. */
export function newEnvelopeId(now: number = Date.now()): string {
  if (now > lastMs) {
    lastMs = now;
    counter = 0;
    const ts = hex(now, 12);
    prefix = `${ts.slice(0, 8)}-${ts.slice(8, 12)}-7`;
  } else {
    counter++;
    if (counter > 0xfffffff) {
      // 268M ids in one millisecond cannot happen in practice; borrow the next millisecond to stay ordered.
      return newEnvelopeId(lastMs + 1);
    }
  }
  // 28-bit counter: 3 hex digits in rand_a, 4 after the variant nibble.
  const c = hex(counter, 7);
  return `${prefix}${c.slice(0, 3)}-8${c.slice(3, 6)}-${c.slice(6)}${nodeHex}000`;
}

/** Builds an envelope for `payload` on `topic`. */
export function createEnvelope<P>(topic: string, payload: P, source: string, headers?: Record<string, string>): Envelope<P> {
  const ts = Date.now();
  const envelope: Envelope<P> = { id: newEnvelopeId(ts), topic, ts, source, payload };
  if (headers !== undefined) envelope.headers = headers;
  return envelope;
}

/** True when `value` has the shape of an envelope (used to tell plexus frames from foreign JSON). */
export function isEnvelope(value: unknown): value is Envelope {
  if (typeof value !== "object" || value === null) return false;
  const v = value as Record<string, unknown>;
  return (
    typeof v.id === "string" && typeof v.topic === "string" && typeof v.ts === "number" && typeof v.source === "string" && "payload" in v
  );
}
