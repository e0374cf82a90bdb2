import { nestedDeeperThan } from "../../common/json-depth.js";
import { PlexusError } from "../../common/errors.js";

/**
 * Enforces `bus.maxDepth` on a payload about to be published: one level is left for the envelope
 * around it, so that what travels is within the bound every receiver applies.
 */
export function checkPayloadDepth(topic: string, payload: unknown, maxDepth: number): void {
  if (!nestedDeeperThan(payload, maxDepth - 1)) return;
  // A cycle is endlessly deep too; it is a different mistake, so it gets its own error.
  if (isCyclic(payload)) {
    throw new PlexusError(
      "PAYLOAD_NOT_SERIALIZABLE",
      `Payload for "${topic}" cannot be encoded as JSON (it contains a cycle); remove cycles and BigInt values.`,
      { retryable: false },
    );
  }
  throw new PlexusError(
    "PAYLOAD_TOO_DEEP",
    `Payload for "${topic}" nests arrays or objects more than ${maxDepth - 1} levels deep (bus.maxDepth ${maxDepth}, the envelope counting as one); receivers would dead-letter it. Flatten the data or raise bus.maxDepth.`,
    { retryable: false },
  );
}

/** Whether encoding `value` fails on a cycle (only asked once it is known to be too deep, so the walk is bounded by the stack). */
function isCyclic(value: unknown): boolean {
  try {
    JSON.stringify(value);
    return false;
  } catch (error) {
    return error instanceof TypeError && /circular/i.test(error.message);
  }
}
