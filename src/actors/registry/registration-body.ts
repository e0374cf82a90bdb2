import { randomUUID } from "node:crypto";
import { tryParseDuration } from "../../common/durations.js";
import type { LeaseRegistration } from "./lease-machine.js";

/** Service names and instance ids: one URL path segment, no escaping needed. */
export const NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_.:-]{0,199}$/;
const MIN_TTL_MS = 1_000;
const MAX_TTL_MS = 86_400_000;

/** A registration as read from a request, `ttlMs` absent when the body names no TTL. */
export type RegistrationInput = Omit<LeaseRegistration, "ttlMs"> & { ttlMs?: number };

/** One field that is missing or invalid, named for the 422 answer. */
export interface FieldProblem {
  field: string;
  problem: string;
}

/**
 * Reads `POST /services`'s body `{ name, url, id?, meta?, ttl? }`: `ttl` is a number of seconds
 * or a duration string ("90s"); an absent `id` is generated. Returns every problem, not the first.
 */
export function readRegistrationBody(body: unknown): { registration: RegistrationInput } | { problems: FieldProblem[] } {
  if (typeof body !== "object" || body === null || Array.isArray(body))
    return { problems: [{ field: "(body)", problem: "must be a JSON object { name, url, id?, meta?, ttl? }" }] };
  const record = body as Record<string, unknown>;
  const problems: FieldProblem[] = [];
  const name = record.name;
  if (name === undefined) problems.push({ field: "name", problem: "is required" });
  else if (typeof name !== "string" || !NAME_PATTERN.test(name))
    problems.push({ field: "name", problem: "must be 1-200 characters of letters, digits, _ . : - starting with a letter or digit" });
  const url = record.url;
  if (url === undefined) problems.push({ field: "url", problem: "is required" });
  else if (typeof url !== "string" || !isHttpUrl(url))
    problems.push({ field: "url", problem: "must be an absolute http:// or https:// URL" });
  const id = record.id;
  if (id !== undefined && (typeof id !== "string" || !NAME_PATTERN.test(id)))
    problems.push({ field: "id", problem: "must be 1-200 characters of letters, digits, _ . : - starting with a letter or digit" });
  const meta = record.meta;
  if (meta !== undefined && !isStringMap(meta)) problems.push({ field: "meta", problem: "must be an object whose values are strings" });
  let ttlMs: number | undefined;
  if (record.ttl !== undefined) {
    ttlMs = typeof record.ttl === "number" ? record.ttl * 1_000 : tryParseDuration(record.ttl);
    if (ttlMs === undefined || !Number.isFinite(ttlMs) || ttlMs < MIN_TTL_MS || ttlMs > MAX_TTL_MS)
      problems.push({ field: "ttl", problem: 'must be a number of seconds or a duration ("90s") between 1 s and 24 h' });
  }
  if (problems.length > 0) return { problems };
  return {
    registration: {
      name: name as string,
      id: (id as string | undefined) ?? randomUUID(),
      url: url as string,
      meta: { ...((meta as Record<string, string> | undefined) ?? {}) },
      ...(ttlMs === undefined ? {} : { ttlMs: Math.round(ttlMs) }),
    },
  };
}

function isHttpUrl(value: string): boolean {
  try {
    const parsed = new URL(value);
    return parsed.protocol === "http:" || parsed.protocol === "https:";
  } catch {
    return false;
  }
}

function isStringMap(value: unknown): value is Record<string, string> {
  return typeof value === "object" && value !== null && !Array.isArray(value) && Object.values(value).every((v) => typeof v === "string");
}
