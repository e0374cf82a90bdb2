import type { ResolvedClaimCheckConfig } from "../bus-config.js";
import type { ResolvedTransportConfig } from "../../transport-config.js";

/**
 * The longest a message can wait in the transport before it is delivered for the last time, in
 * milliseconds, or undefined when the transport keeps nothing (memory, zmq deliver at once). On
 * Redis a pending entry is reclaimed every `claimIdleMs` up to `maxDeliveries` times, each read
 * blocking up to `blockMs`: a blob must be there until the last of those deliveries.
 */
export function transportRetentionMs(transport: ResolvedTransportConfig): number | undefined {
  if (transport.kind !== "redis") return undefined;
  return transport.claimIdleMs * (transport.maxDeliveries + 1) + transport.blockMs;
}

/**
 * What is wrong with the claim-check section for this transport, or undefined. The blob TTL must
 * outlive the transport's retention of a message, or a redelivery finds its blob gone; the Redis
 * store needs the Redis transport.
 */
export function claimCheckProblem(
  claim: ResolvedClaimCheckConfig,
  transport: ResolvedTransportConfig,
): { key: string; message: string } | undefined {
  if (!claim.enabled) return undefined;
  if (claim.store === "redis" && transport.kind !== "redis") {
    return { key: "store", message: `the redis blob store needs transport.kind redis (it is ${transport.kind}); use "file" or "auto"` };
  }
  const retention = transportRetentionMs(transport);
  if (retention !== undefined && claim.ttlMs <= retention) {
    return {
      key: "ttl",
      message: `${claim.ttlMs} ms does not outlive the transport's redelivery window of ${retention} ms (claimIdleMs × (maxDeliveries + 1) + blockMs); raise it`,
    };
  }
  return undefined;
}
