import { brotliCompressSync, brotliDecompressSync, constants, gunzipSync, gzipSync } from "node:zlib";
import { PlexusError } from "../../common/errors.js";
import type { Envelope } from "../../transports/envelope.js";

/** How batches above the threshold are compressed. */
export type TelemetryCompression = "gzip" | "brotli" | "none";

/** Header naming the samples in a telemetry batch; its presence marks a batch. */
export const TELEMETRY_BATCH_HEADER = "telemetry-batch";
/** Header naming how the batch's payload is encoded: `gzip`, `br`, absent for plain JSON. */
export const TELEMETRY_ENCODING_HEADER = "content-encoding";

/** Largest decompressed batch a consumer accepts. */
export const MAX_DECODED_BYTES = 64 * 1024 * 1024;

/** The payload and headers one batch travels with. */
export interface EncodedBatch {
  payload: unknown;
  headers: Record<string, string>;
  /** Bytes of the samples' JSON before compression; -1 when not measured (clearly under the threshold). */
  rawBytes: number;
  compressed: boolean;
}

/**
 * A batch as a bus payload: `{ samples }` when small; above `compressAboveBytes` the samples' JSON
 * compressed and base64-encoded (JSON carries no bytes), the encoding named in a header so any
 * consumer can read it without configuration.
 */
export function encodeBatch(samples: readonly unknown[], compression: TelemetryCompression, compressAboveBytes: number): EncodedBatch {
  const headers: Record<string, string> = { [TELEMETRY_BATCH_HEADER]: String(samples.length) };
  if (compression === "none") return { payload: { samples }, headers, rawBytes: -1, compressed: false };
  // Encoding a whole batch only to learn it is small would cost more than the batch saves: one
  // sample's size times the count says when a batch is clearly under the threshold.
  const first = samples.length === 0 ? undefined : JSON.stringify(samples[0]);
  if (first !== undefined && (first.length + 1) * samples.length * 2 < compressAboveBytes) {
    return { payload: { samples }, headers, rawBytes: -1, compressed: false };
  }
  const json = JSON.stringify(samples);
  if (json.length < compressAboveBytes) return { payload: { samples }, headers, rawBytes: json.length, compressed: false };
  const raw = Buffer.from(json, "utf8");
  const packed =
    compression === "gzip"
      ? gzipSync(raw, { level: 1 })
      : brotliCompressSync(raw, { params: { [constants.BROTLI_PARAM_QUALITY]: 4, [constants.BROTLI_PARAM_SIZE_HINT]: raw.length } });
  headers[TELEMETRY_ENCODING_HEADER] = compression === "gzip" ? "gzip" : "br";
  return { payload: packed.toString("base64"), headers, rawBytes: raw.length, compressed: true };
}

/** True when `envelope` is a telemetry batch. */
export function isTelemetryBatch(envelope: Envelope): boolean {
  return envelope.headers?.[TELEMETRY_BATCH_HEADER] !== undefined;
}

/**
 * The samples of a batch envelope, in the order they were recorded.
 * @throws PlexusError `TELEMETRY_BATCH_INVALID` when the payload does not decode as its headers say.
 */
export function decodeBatch(envelope: Envelope): unknown[] {
  const encoding = envelope.headers?.[TELEMETRY_ENCODING_HEADER];
  try {
    if (encoding === undefined) {
      const samples = (envelope.payload as { samples?: unknown }).samples;
      if (!Array.isArray(samples)) throw new Error("payload has no samples array");
      return samples;
    }
    if (typeof envelope.payload !== "string") throw new Error("a compressed batch must carry base64 text");
    const packed = Buffer.from(envelope.payload, "base64");
    // Bounded, so a small hostile batch cannot expand into gigabytes.
    const limit = { maxOutputLength: MAX_DECODED_BYTES };
    const raw = encoding === "gzip" ? gunzipSync(packed, limit) : encoding === "br" ? brotliDecompressSync(packed, limit) : undefined;
    if (raw === undefined) throw new Error(`unknown content-encoding "${encoding}"`);
    const samples: unknown = JSON.parse(raw.toString("utf8"));
    if (!Array.isArray(samples)) throw new Error("decoded batch is not an array");
    return samples;
  } catch (error) {
    throw new PlexusError(
      "TELEMETRY_BATCH_INVALID",
      `telemetry batch ${envelope.id} on "${envelope.topic}" cannot be decoded: ${(error as Error).message}`,
      {
        retryable: false,
      },
    );
  }
}
