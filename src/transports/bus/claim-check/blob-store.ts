/**
 * Where claim-checked payloads live between their publish and their last delivery. A store keeps
 * each blob for a time-to-live and then lets it go (Redis by key expiry, the directory store by a
 * bounded sweep), so a store never grows with the traffic it has seen, only with the last TTL's.
 */
export interface BlobStore {
  /** `file` or `redis`; named in logs and stats. */
  readonly kind: string;
  /** Stores `body` under `ref` for at least `ttlMs`. Rejects when it cannot be stored. */
  put(ref: string, body: Buffer, ttlMs: number): Promise<void>;
  /** The blob under `ref`, or undefined when there is none (never stored, expired or removed). */
  get(ref: string): Promise<Buffer | undefined>;
  /** Removes the blob under `ref`, if any. */
  delete(ref: string): Promise<void>;
  /** Stops timers and closes connections. Idempotent. */
  close(): Promise<void>;
}

/** What a claim-checked message carries instead of its payload. */
export interface BlobReference {
  /** The key of the blob in the store (the envelope's id). */
  ref: string;
  /** Bytes of the stored body. */
  size: number;
  /** Hex SHA-256 of the stored body; a body that does not match is not delivered. */
  sha256: string;
  /** `application/json` (the payload's JSON) or `application/octet-stream` (a Buffer or typed array, restored as a Buffer). */
  contentType: BlobContentType;
}

/** How a blob's bytes turn back into a payload. */
export type BlobContentType = "application/json" | "application/octet-stream";

/** Header that marks an envelope whose payload is a {@link BlobReference}; its value is the store kind. */
export const CLAIM_CHECK_HEADER = "claim-check";

/** True when `value` has the shape of a {@link BlobReference}. */
export function isBlobReference(value: unknown): value is BlobReference {
  if (typeof value !== "object" || value === null) return false;
  const v = value as Record<string, unknown>;
  return (
    typeof v.ref === "string" &&
    typeof v.size === "number" &&
    typeof v.sha256 === "string" &&
    (v.contentType === "application/json" || v.contentType === "application/octet-stream")
  );
}
