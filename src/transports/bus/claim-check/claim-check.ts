import { createHash } from "node:crypto";
import { PlexusError } from "../../../common/errors.js";
import type { ResolvedClaimCheckConfig } from "../bus-config.js";
import type { Envelope } from "../../envelope.js";
import { CLAIM_CHECK_HEADER, isBlobReference, type BlobContentType, type BlobReference, type BlobStore } from "./blob-store.js";

/** A payload the bus decided to store: its bytes and how to read them back. */
export interface ClaimBody {
  body: Buffer;
  contentType: BlobContentType;
}

/** Counters of claim-check, in `bus.stats().claimCheck`. */
export interface ClaimCheckStats {
  /** Blobs stored by publishes of this bus. */
  stored: number;
  /** Claim-checked messages handed to subscriptions with their payload restored and verified. */
  restored: number;
  /** Deliveries whose blob was not in the store (dead-lettered, reason `claim-check-missing`). */
  missing: number;
  /** Deliveries whose blob did not match its size or SHA-256 (dead-lettered, reason `claim-check-corrupt`). */
  corrupt: number;
  /** Publishes refused because `maxPending` stores were already running. */
  refused: number;
  /** Stores running now. */
  pending: number;
}

/**
 * The claim-check decisions of one bus: whether a payload goes to the blob store (by size, measured
 * only where it costs nothing extra), the reference message that replaces it, and the payload's
 * return from the store on delivery, verified against the reference's size and SHA-256.
 */
export class ClaimCheck {
  readonly counters: Omit<ClaimCheckStats, "pending"> = { stored: 0, restored: 0, missing: 0, corrupt: 0, refused: 0 };
  private pendingStores = 0;

  constructor(
    readonly config: ResolvedClaimCheckConfig,
    readonly store: BlobStore,
  ) {}

  stats(): ClaimCheckStats {
    return { ...this.counters, pending: this.pendingStores };
  }

  /**
   * The body to store when `payload` is over the threshold, else undefined. Buffers and typed
   * arrays are stored as their bytes. Strings are measured in O(1) first. Objects are measured
   * only through `envelopeJson` (a network publish encodes its envelope anyway): the memory
   * transport encodes nothing, so there objects are stored only when `force` is set.
   */
  measure(payload: unknown, force: boolean, envelopeJson?: string): ClaimBody | undefined {
    const threshold = this.config.thresholdBytes;
    if (ArrayBuffer.isView(payload)) {
      if (!force && payload.byteLength <= threshold) return undefined;
      return {
        body: Buffer.from(new Uint8Array(payload.buffer, payload.byteOffset, payload.byteLength)),
        contentType: "application/octet-stream",
      };
    }
    // The UTF-16 length of a text bounds its UTF-8 size from above once tripled.
    const hint = typeof payload === "string" ? payload.length : envelopeJson?.length;
    if (!force && (hint === undefined || hint * 3 <= threshold)) return undefined;
    const text = encodeJson(payload);
    if (!force && text.length * 3 <= threshold) return undefined;
    const body = Buffer.from(text, "utf8");
    if (!force && body.length <= threshold) return undefined;
    return { body, contentType: "application/json" };
  }

  /** Refuses a claim-checked publish the bounds do not allow, before anything is stored. */
  admit(topic: string, claim: ClaimBody): void {
    if (claim.body.length > this.config.maxBlobBytes) {
      throw new PlexusError(
        "PAYLOAD_TOO_LARGE",
        `Payload for "${topic}" is ${claim.body.length} bytes, over bus.claimCheck.maxBlobBytes (${this.config.maxBlobBytes}); raise the limit or send less.`,
        { retryable: false },
      );
    }
    if (this.pendingStores >= this.config.maxPending) {
      this.counters.refused++;
      throw new PlexusError(
        "CLAIM_CHECK_BUSY",
        `${this.pendingStores} claim-checked publishes are still being stored (bus.claimCheck.maxPending); publish to "${topic}" refused. Await publishes of large payloads or raise the bound.`,
      );
    }
  }

  /** The envelope that travels instead of `envelope`: same id, the reference as payload, the header set. */
  reference(envelope: Envelope, claim: ClaimBody): Envelope<BlobReference> {
    const payload: BlobReference = {
      ref: envelope.id,
      size: claim.body.length,
      sha256: createHash("sha256").update(claim.body).digest("hex"),
      contentType: claim.contentType,
    };
    return { ...envelope, payload, headers: { ...envelope.headers, [CLAIM_CHECK_HEADER]: this.store.kind } };
  }

  /** Stores the body under the reference; rejects with `CLAIM_CHECK_STORE_FAILED`. */
  async put(reference: BlobReference, claim: ClaimBody, topic: string): Promise<void> {
    this.pendingStores++;
    try {
      await this.store.put(reference.ref, claim.body, this.config.ttlMs);
      this.counters.stored++;
    } catch (error) {
      throw new PlexusError(
        "CLAIM_CHECK_STORE_FAILED",
        `Could not store the ${claim.body.length}-byte payload for "${topic}" in the ${this.store.kind} blob store (${(error as Error).message}); nothing was published.`,
        { cause: error },
      );
    } finally {
      this.pendingStores--;
    }
  }

  /**
   * The envelope with its payload back from the store and the claim-check header removed.
   * @throws PlexusError `CLAIM_CHECK_MISSING` (no blob), `CLAIM_CHECK_CORRUPT` (size, hash or
   *   encoding wrong) or `CLAIM_CHECK_STORE_FAILED` (the store could not be read; worth a retry).
   */
  async restore(envelope: Envelope): Promise<Envelope> {
    const reference = envelope.payload;
    if (!isBlobReference(reference)) {
      this.counters.corrupt++;
      throw new PlexusError(
        "CLAIM_CHECK_CORRUPT",
        `message ${envelope.id} on "${envelope.topic}" has the claim-check header but no valid reference as payload`,
        {
          retryable: false,
        },
      );
    }
    let body: Buffer | undefined;
    try {
      body = await this.store.get(reference.ref);
    } catch (error) {
      throw new PlexusError(
        "CLAIM_CHECK_STORE_FAILED",
        `Could not read blob ${reference.ref} for "${envelope.topic}" from the ${this.store.kind} blob store (${(error as Error).message}).`,
        { cause: error },
      );
    }
    if (body === undefined) {
      this.counters.missing++;
      throw new PlexusError(
        "CLAIM_CHECK_MISSING",
        `blob ${reference.ref} of message on "${envelope.topic}" is not in the ${this.store.kind} blob store (expired after bus.claimCheck.ttl, removed, or stored elsewhere)`,
        { retryable: false },
      );
    }
    const sha256 = createHash("sha256").update(body).digest("hex");
    if (body.length !== reference.size || sha256 !== reference.sha256) {
      this.counters.corrupt++;
      throw new PlexusError(
        "CLAIM_CHECK_CORRUPT",
        `blob ${reference.ref} of message on "${envelope.topic}" does not match its reference (${body.length} bytes, sha256 ${sha256.slice(0, 12)}…; expected ${reference.size} bytes, ${reference.sha256.slice(0, 12)}…)`,
        { retryable: false },
      );
    }
    let payload: unknown = body;
    if (reference.contentType === "application/json") {
      try {
        payload = JSON.parse(body.toString("utf8"));
      } catch (error) {
        this.counters.corrupt++;
        throw new PlexusError(
          "CLAIM_CHECK_CORRUPT",
          `blob ${reference.ref} of message on "${envelope.topic}" is not JSON (${(error as Error).message})`,
          {
            retryable: false,
          },
        );
      }
    }
    this.counters.restored++;
    const headers = { ...envelope.headers };
    delete headers[CLAIM_CHECK_HEADER];
    const restored: Envelope = { ...envelope, payload };
    if (Object.keys(headers).length > 0) restored.headers = headers;
    else delete restored.headers;
    return restored;
  }
}

/** True when `envelope` carries a blob reference instead of its payload. */
export function isClaimChecked(envelope: Envelope): boolean {
  return envelope.headers?.[CLAIM_CHECK_HEADER] !== undefined;
}

function encodeJson(payload: unknown): string {
  try {
    return JSON.stringify(payload);
  } catch (error) {
    throw new PlexusError(
      "PAYLOAD_NOT_SERIALIZABLE",
      `Payload cannot be encoded as JSON (${(error as Error).message}); remove cycles and BigInt values.`,
      {
        retryable: false,
      },
    );
  }
}
