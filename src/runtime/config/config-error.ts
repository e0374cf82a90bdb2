/**
 * How config problems are described: the issue record, the error that carries all of them, and
 * the translation of JSON Schema (ajv) errors into sentences that say what was expected.
 */
import type { ErrorObject } from "ajv/dist/2020.js";
import { PlexusError } from "../../common/errors.js";
import { DURATION_FORMS, DURATION_PATTERN } from "../../common/durations.js";

/** One problem in a config, located as precisely as the source allows. */
export interface ConfigIssue {
  /** The config file as it was named to the loader; absent for object configs. */
  file?: string;
  /** 1-based line of the offending node (files only). */
  line?: number;
  /** 1-based column of the offending node (files only). */
  column?: number;
  /** Key path, e.g. `children[1].children[0].options.everyMs`; `(root)` for the whole document. */
  path: string;
  /** What was wrong and what was expected. */
  message: string;
}

/** A step in a key path: an object key or an array index. */
export type PathSegment = string | number;

/**
 * An issue found before positions are known. `path` is what the user reads; `node` is where in
 * the document to point (they differ for a missing key: the path names the key, the position is
 * its parent). `pointAtKey` points at the key of the last segment instead of its value.
 */
export interface PendingIssue {
  path: PathSegment[];
  node: PathSegment[];
  message: string;
  pointAtKey?: boolean;
}

/** Pattern a child id must match (also in `config/plexus.schema.json`, `$defs/childId`). */
export const CHILD_ID_PATTERN = "^[A-Za-z0-9_-]+$";

/** Sentences for patterns whose regex alone would not tell a user what to write. */
const KNOWN_PATTERNS: ReadonlyMap<string, string> = new Map([
  [DURATION_PATTERN, DURATION_FORMS],
  [CHILD_ID_PATTERN, "an id made of letters, digits, '_' and '-'"],
]);

/** `children[1].options.everyMs` from `["children", 1, "options", "everyMs"]`. */
export function formatPath(path: readonly PathSegment[]): string {
  let text = "";
  for (const segment of path) {
    if (typeof segment === "number") text += `[${segment}]`;
    else if (/^[A-Za-z_$][A-Za-z0-9_$-]*$/.test(segment)) text += text === "" ? segment : `.${segment}`;
    else text += `[${JSON.stringify(segment)}]`;
  }
  return text === "" ? "(root)" : text;
}

/** `<file>:<line>:<column> <path>: <message>`, leaving out what is unknown. */
export function formatIssue(issue: ConfigIssue): string {
  let where = issue.file ?? "";
  if (issue.line !== undefined) where += `${where === "" ? "" : ":"}${issue.line}:${issue.column ?? 1}`;
  return `${where === "" ? "" : `${where} `}${issue.path}: ${issue.message}`;
}

/**
 * A config that cannot be used. Carries every problem found (not only the first), so a user fixes
 * them in one pass. Never retryable: restarting with the same config fails the same way.
 */
export class ConfigError extends PlexusError {
  readonly issues: ConfigIssue[];
  /** The file (as named to the loader), or undefined for an object config. */
  readonly file: string | undefined;

  constructor(issues: ConfigIssue[], file?: string) {
    const count = issues.length;
    const header = `invalid config ${file ?? "(object)"}: ${count} problem${count === 1 ? "" : "s"}`;
    super("CONFIG_INVALID", [header, ...issues.map((issue) => `  ${formatIssue(issue)}`)].join("\n"), { retryable: false });
    this.issues = issues;
    this.file = file;
  }
}

/**
 * Optimal-string-alignment distance: edits, counting a swap of two neighbours as one, so that
 * `restrat` is one edit from `restart`.
 */
function editDistance(a: string, b: string): number {
  const rows = a.length + 1;
  const columns = b.length + 1;
  const table: number[] = new Array<number>(rows * columns).fill(0);
  const at = (i: number, j: number): number => table[i * columns + j] ?? 0;
  for (let i = 0; i < rows; i++) table[i * columns] = i;
  for (let j = 0; j < columns; j++) table[j] = j;
  for (let i = 1; i < rows; i++) {
    for (let j = 1; j < columns; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(at(i - 1, j) + 1, at(i, j - 1) + 1, at(i - 1, j - 1) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) best = Math.min(best, at(i - 2, j - 2) + 1);
      table[i * columns + j] = best;
    }
  }
  return at(a.length, b.length);
}

/** The candidate closest to `word` when it is plausibly a typo of it (about a third of the letters). */
export function suggestClosest(word: string, candidates: Iterable<string>): string | undefined {
  const allowed = Math.max(1, Math.floor(word.length / 3));
  let best: string | undefined;
  let bestDistance = Number.POSITIVE_INFINITY;
  for (const candidate of candidates) {
    const distance = editDistance(word.toLowerCase(), candidate.toLowerCase());
    if (distance <= allowed && distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best;
}

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
 */
export function describeSchemaError(error: ErrorObject, base: readonly PathSegment[] = []): PendingIssue | undefined {
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
      const expected = KNOWN_PATTERNS.get(pattern) ?? `a string matching /${pattern}/`;
      return { path: at, node: at, message: `expected ${expected}, ${got}` };
    }
    case "false schema":
      return { path: at, node: at, pointAtKey: true, message: "this key is not allowed here" };
    default:
      // ajv's own sentence ("must NOT have fewer than 1 items") is clear enough for the rest.
      return { path: at, node: at, message: `${error.message ?? `fails ${error.keyword}`}, ${got}` };
  }
}
