import { nestedDeeperThan } from "../common/json-depth.js";

/** The value of received JSON text, or what is wrong with it (to follow "frame 1", "field x of entry y"). */
export type ReceivedJson = { ok: true; value: unknown } | { ok: false; problem: string };

/**
 * Parses JSON that arrived from another process and refuses a value nested more than `maxDepth`
 * levels deep (`bus.maxDepth`). `JSON.parse` itself accepts any depth, but such a value would
 * overflow the stack of the first recursive walk over it — encoding its dead letter, a contract
 * check, a handler — so it is refused here, before anything sees it, and dead-lettered as text.
 */
export function parseReceivedJson(text: string, maxDepth: number, shape: ReceivedShape = "envelope"): ReceivedJson {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return { ok: false, problem: `is not JSON (${(error as Error).message})` };
  }
  if (nestedDeeperThan(value, maxDepth + LEVELS_AROUND[shape])) return { ok: false, problem: tooDeep(maxDepth) };
  return { ok: true, value };
}

/**
 * What received JSON is, for the depth bound, which counts levels as the message travels between
 * plexus peers: an envelope; an array of envelopes (one level more); or a foreign payload that is
 * wrapped in an envelope (one level less is left for it).
 */
export type ReceivedShape = "envelope" | "envelope-array" | "payload";

const LEVELS_AROUND: Record<ReceivedShape, number> = { envelope: 0, "envelope-array": 1, payload: -1 };

/** The problem of a message nested deeper than `maxDepth` (to follow "frame 1", "field x of entry y"). */
export function tooDeep(maxDepth: number): string {
  return `is nested deeper than ${maxDepth} levels (bus.maxDepth, an envelope counting as one)`;
}
