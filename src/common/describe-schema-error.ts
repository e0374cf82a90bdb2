/**
 * The translation of JSON Schema (ajv) errors into sentences that say what was expected, with the
 * key path of the offending value.
 */
import type { ErrorObject } from "ajv/dist/2020.js";
import type { PathSegment, PendingIssue } from "./config-error.js";
import { DURATION_FORMS, DURATION_PATTERN } from "./durations.js";
import { suggestClosest } from "./suggest-closest.js";

/**
 * Sentences for patterns whose regex alone would not tell a user what to write, keyed by the
 * pattern. Durations are always known; a layer with its own patterns passes them in.
 */
export type PatternSentences = ReadonlyMap<string, string>;

const DURATION_SENTENCE: PatternSentences = new Map([[DURATION_PATTERN, DURATION_FORMS]]);

/** A short, quoted rendering of a value for "got …" clauses. */
export function describeValue(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "a list";
  if (typeof value === "object") return "a mapping";
  if (typeof value === "string") return JSON.stringify(value.length > 60 ? `${value.slice(0, 57)}...` : value);
  return String(value);
}

/** Splits an ajv `instancePath` (a JSON pointer) into segments; all-digit segments are indices. */
export function pointerToPath(pointer: string): PathSegment[] {
  if (pointer === "") return [];
  return pointer
    .slice(1)
    .split("/")
    .map((raw) => raw.replace(/~1/g, "/").replace(/~0/g, "~"))
    .map((segment) => (/^(0|[1-9][0-9]*)$/.test(segment) ? Number(segment) : segment));
}

function propertyNames(schema: unknown): string[] {
  if (typeof schema !== "object" || schema === null) return [];
  const properties = (schema as { properties?: unknown }).properties;
  return typeof properties === "object" && properties !== null ? Object.keys(properties).sort() : [];
}

function typeNames(type: unknown): string {
  const names = Array.isArray(type) ? type.map(String) : [String(type)];
  const readable = names.map((name) =>
    name === "object" ? "a mapping" : name === "array" ? "a list" : /^[aeiou]/.test(name) ? `an ${name}` : `a ${name}`,
  );
  return readable.join(" or ");
}

/**
 * Turns one ajv error (from a validator compiled with `verbose: true`) into an issue, with `base`
 * prefixed to its path. Returns undefined for errors that only repeat others (`if`).
 * @param patterns sentences for patterns besides the duration's.
 */
export function describeSchemaError(
  error: ErrorObject,
  base: readonly PathSegment[] = [],
  patterns: PatternSentences = DURATION_SENTENCE,
): PendingIssue | undefined {
  const at = [...base, ...pointerToPath(error.instancePath)];
  const params = error.params as Record<string, unknown>;
  const got = `got ${describeValue(error.data)}`;
  switch (error.keyword) {
    case "if":
      return undefined;
    case "required": {
      const missing = String(params.missingProperty);
      return { path: [...at, missing], node: at, message: `required key '${missing}' is missing` };
    }
    case "additionalProperties":
    case "unevaluatedProperties": {
      const key = String(params.additionalProperty ?? params.unevaluatedProperty);
      const allowed = propertyNames(error.parentSchema);
      const suggestion = suggestClosest(key, allowed);
      const hint =
        suggestion !== undefined ? ` (did you mean '${suggestion}'?)` : allowed.length > 0 ? `; allowed keys: ${allowed.join(", ")}` : "";
      return { path: [...at, key], node: [...at, key], pointAtKey: true, message: `unknown key '${key}'${hint}` };
    }
    case "type":
      return { path: at, node: at, message: `expected ${typeNames(params.type)}, ${got}` };
    case "enum": {
      const allowed = Array.isArray(params.allowedValues) ? params.allowedValues.map(String) : [];
      const suggestion = typeof error.data === "string" ? suggestClosest(error.data, allowed) : undefined;
      const hint = suggestion === undefined ? "" : ` (did you mean '${suggestion}'?)`;
      return { path: at, node: at, message: `expected one of ${allowed.join(", ")}, ${got}${hint}` };
    }
    case "const":
      return { path: at, node: at, message: `expected ${JSON.stringify(params.allowedValue)}, ${got}` };
    case "minimum":
    case "maximum":
    case "exclusiveMinimum":
    case "exclusiveMaximum":
      return { path: at, node: at, message: `expected a number ${String(params.comparison)} ${String(params.limit)}, ${got}` };
    case "pattern": {
      const pattern = String(params.pattern);
      const expected = patterns.get(pattern) ?? DURATION_SENTENCE.get(pattern) ?? `a string matching /${pattern}/`;
      return { path: at, node: at, message: `expected ${expected}, ${got}` };
    }
    case "false schema":
      return { path: at, node: at, pointAtKey: true, message: "this key is not allowed here" };
    default:
      // ajv's own sentence ("must NOT have fewer than 1 items") is clear enough for the rest.
      return { path: at, node: at, message: `${error.message ?? `fails ${error.keyword}`}, ${got}` };
  }
}
