import path from "node:path";
import { ConfigError } from "../../../common/config-error.js";
import type { Logger } from "../../../common/logger.js";
import type { ResolvedClaimCheckConfig } from "../bus-config.js";
import type { ResolvedTransportConfig } from "../../transport-config.js";
import type { BlobStore } from "./blob-store.js";
import { claimCheckProblem } from "./blob-ttl-check.js";
import { FileBlobStore } from "./file-blob-store.js";

/**
 * Opens the blob store a claim-check section asks for: Redis keys next to the streams when the
 * transport is Redis (`store: auto` or `redis`), else a directory under `stateDir`. The Redis
 * client is imported only then.
 * @throws ConfigError naming `bus.claimCheck.<key>` when the section does not suit the transport.
 */
export async function openBlobStore(
  claim: ResolvedClaimCheckConfig,
  transport: ResolvedTransportConfig,
  stateDir: string,
  log: Logger,
): Promise<BlobStore> {
  const problem = claimCheckProblem(claim, transport);
  if (problem !== undefined)
    throw new ConfigError([{ path: `bus.claimCheck.${problem.key}`, message: problem.message }], undefined, { caller: "openBus" });
  if (transport.kind === "redis" && claim.store !== "file") {
    const { RedisBlobStore } = await import("./redis-blob-store.js");
    return RedisBlobStore.open(transport.url, transport.prefix, log);
  }
  return new FileBlobStore({ dir: path.resolve(stateDir, claim.dir), ttlMs: claim.ttlMs, log });
}
