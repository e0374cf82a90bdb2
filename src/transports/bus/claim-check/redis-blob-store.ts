import { Redis } from "ioredis";
import { PlexusError } from "../../../common/errors.js";
import type { Logger } from "../../../common/logger.js";
import { redactUrl } from "../../../common/redact-url.js";
import type { BlobStore } from "./blob-store.js";

/** How long one blob SET or GET may take. */
const BLOB_COMMAND_TIMEOUT_MS = 60_000;

/**
 * Blobs as Redis keys `<prefix>:blob:<ref>` with an expiry (`SET … PX ttl`): Redis removes them,
 * so the store needs no sweep. Used when the transport is Redis, so every process that reads the
 * stream can read the blobs, wherever it runs.
 */
export class RedisBlobStore implements BlobStore {
  readonly kind = "redis";

  private constructor(
    private readonly client: Redis,
    private readonly prefix: string,
  ) {}

  /**
   * Opens the store's own connection: blobs are large and must not queue behind stream commands.
   * Like the transport's connections it fails commands fast while Redis is away (the publish is
   * refused, a delivery is retried later) instead of queueing them without bound.
   */
  static async open(url: string, prefix: string, log: Logger): Promise<RedisBlobStore> {
    const client = new Redis(url, {
      lazyConnect: true,
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      connectionName: "plexus:claim-check",
      // A blob of many megabytes takes far longer than a stream command; a short timeout would
      // fail reads that are merely slow and send their messages round the redelivery loop.
      commandTimeout: BLOB_COMMAND_TIMEOUT_MS,
      retryStrategy: (attempt) => Math.min(attempt * 100, 2_000),
    });
    let reported = false;
    client.on("error", (error: Error) => {
      if (reported) return;
      reported = true;
      log.warn({ url: redactUrl(url), err: error.message }, "claim-check blob store lost Redis; reconnecting in the background");
    });
    client.on("ready", () => {
      reported = false;
    });
    try {
      await client.connect();
    } catch (error) {
      client.disconnect();
      throw new PlexusError("REDIS_UNREACHABLE", `claim-check blob store cannot reach ${redactUrl(url)} (${(error as Error).message})`, {
        cause: error,
      });
    }
    return new RedisBlobStore(client, prefix);
  }

  async put(ref: string, body: Buffer, ttlMs: number): Promise<void> {
    await this.client.set(this.key(ref), body, "PX", Math.max(1, Math.ceil(ttlMs)));
  }

  async get(ref: string): Promise<Buffer | undefined> {
    return (await this.client.getBuffer(this.key(ref))) ?? undefined;
  }

  async delete(ref: string): Promise<void> {
    await this.client.del(this.key(ref));
  }

  async close(): Promise<void> {
    await this.client.quit().catch(() => this.client.disconnect());
  }

  /** The key a blob lives under (tests and operators look it up). */
  key(ref: string): string {
    return `${this.prefix}:blob:${ref}`;
  }
}
