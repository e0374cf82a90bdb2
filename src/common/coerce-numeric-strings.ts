import type { ErrorObject } from "ajv/dist/2020.js";

/** A string that is wholly a number, as JSON would write it (an optional sign, no units). */
const NUMERIC = /^[-+]?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][-+]?[0-9]+)?$/;

/**
 * Turns the strings that a schema refused only for not being numbers, and that are wholly
 * numbers, into numbers, IN PLACE; returns whether it changed anything. That is what a quoted
 * `"${PORT}"` in a YAML file becomes: a string, although the field is an integer. Strings that
 * are not wholly numeric (`"42x"`, `"5s"` for an integer) are left for the schema to reject.
 *
 * @param errors a validator's errors for `root`, compiled with `verbose` (for `parentSchema`).
 */
export function coerceNumericStrings(errors: readonly ErrorObject[] | null | undefined, root: unknown): boolean {
  let changed = false;
  for (const error of errors ?? []) {
    const wanted = numericTypes(error);
    if (wanted === undefined) continue;
    const slot = locate(root, error.instancePath);
    if (slot === undefined || typeof slot.value !== "string") continue;
    const text = slot.value.trim();
    if (!NUMERIC.test(text)) continue;
    const number = Number(text);
    if (!wanted.number && !Number.isInteger(number)) continue;
    slot.parent[slot.key] = number;
    changed = true;
  }
  return changed;
}

/** The numeric types a failing keyword's schema accepts; undefined when it accepts none. */
function numericTypes(error: ErrorObject): { number: boolean } | undefined {
  // A `type` failure names the accepted types; a `pattern` failure of a string-or-number field
  // (a duration given as "250") is one too, as a number would have matched.
  const declared =
    error.keyword === "type"
      ? (error.params as { type?: unknown }).type
      : error.keyword === "pattern"
        ? (error.parentSchema as { type?: unknown } | undefined)?.type
        : undefined;
  const types = (Array.isArray(declared) ? declared : String(declared ?? "").split(",")).map(String);
  if (types.includes("number")) return { number: true };
  if (types.includes("integer")) return { number: false };
  return undefined;
}

/** The container and key of the value at a JSON pointer (`/runtime/ops/port`). */
function locate(root: unknown, pointer: string): { parent: Record<string, unknown>; key: string; value: unknown } | undefined {
  if (pointer === "") return undefined;
  const keys = pointer
    .slice(1)
    .split("/")
    .map((key) => key.replace(/~1/g, "/").replace(/~0/g, "~"));
  let parent: unknown = root;
  for (const key of keys.slice(0, -1)) {
    if (typeof parent !== "object" || parent === null) return undefined;
    parent = (parent as Record<string, unknown>)[key];
  }
  const last = keys[keys.length - 1];
  if (typeof parent !== "object" || parent === null || last === undefined) return undefined;
  const container = parent as Record<string, unknown>;
  return { parent: container, key: last, value: container[last] };
}
