/**
 * The machinery every config section shares: its JSON Schema (draft 2020-12) is the one source of
 * its defaults and rules. A layer declares its section's schema as named definitions
 * (`SchemaDefs`, referring to each other as `#/$defs/<name>`); the whole-config schema
 * (`runtime/config/plexus-config.ts`, and the generated `config/plexus.schema.json`) merges every
 * layer's definitions, while a programmatic caller (`createTransport`, `new MessageBus`,
 * `startChild`) validates one section on its own with the same definitions.
 */
import type { Ajv2020, ValidateFunction } from "ajv/dist/2020.js";
import { ConfigError, formatPath } from "./config-error.js";
import type { ConfigIssue, PathSegment, PendingIssue } from "./config-error.js";
import { coerceNumericStrings } from "./coerce-numeric-strings.js";
import { describeSchemaError } from "./describe-schema-error.js";
import { loadAjv2020 } from "./load-ajv.js";
import type { PatternSentences } from "./describe-schema-error.js";

/** A JSON Schema (draft 2020-12) as plexus declares its fragments: plain data, usually `as const`. */
export type JsonSchema = { readonly [keyword: string]: unknown };

/** Definitions that schemas refer to as `#/$defs/<name>`. */
export type SchemaDefs = { readonly [name: string]: JsonSchema };

/**
 * Merges the definitions of several layers. A name defined twice must be defined identically
 * (`duration` is shared by everyone); anything else is a programming error, thrown at once.
 */
export function mergeDefs(...sets: readonly SchemaDefs[]): SchemaDefs {
  const merged: Record<string, JsonSchema> = {};
  for (const set of sets) {
    for (const [name, schema] of Object.entries(set)) {
      const existing = merged[name];
      if (existing !== undefined && JSON.stringify(existing) !== JSON.stringify(schema)) {
        throw new Error(`two config schemas define $defs/${name} differently; give one of them another name`);
      }
      merged[name] = schema;
    }
  }
  return merged;
}

/** The schema of one section on its own: its definition plus every definition it refers to. */
export function sectionSchema(name: string, defs: SchemaDefs): JsonSchema {
  if (defs[name] === undefined) throw new Error(`no $defs/${name} among ${Object.keys(defs).join(", ")}`);
  return { $ref: `#/$defs/${name}`, $defs: defs };
}

let ajv: Ajv2020 | undefined;
const compiled = new WeakMap<JsonSchema, ValidateFunction>();

/** Options of the ajv instance that compiles plexus's own config schemas. */
export const CONFIG_AJV_OPTIONS = {
  allErrors: true,
  useDefaults: true,
  verbose: true,
  strict: true,
  strictRequired: false,
  allowUnionTypes: true,
  // Checking a schema against the draft 2020-12 meta-schema costs about 100 ms on first use.
  // These schemas are plexus's own code, checked against it once in the tests instead
  // (test/common/config-schema.test.ts); strict mode still rejects unknown keywords here.
  validateSchema: false,
} as const;

/**
 * The validator of `schema`, compiled once per process. Strict, so a typo in a plexus schema is
 * a compile error here rather than a rule that silently never applies; validation writes the
 * schema's defaults into the value it checks (`useDefaults`).
 */
export function compileConfigSchema(schema: JsonSchema): ValidateFunction {
  let validate = compiled.get(schema);
  if (validate === undefined) {
    ajv ??= new (loadAjv2020())(CONFIG_AJV_OPTIONS);
    validate = ajv.compile(schema);
    compiled.set(schema, validate);
  }
  return validate;
}

/** Where the checked value sits in a bigger config, and how to read its patterns. */
export interface SchemaCheckOptions {
  /** Key path of the value, prefixed to every issue (e.g. `["transport"]`). */
  at?: readonly PathSegment[];
  /** Sentences for the schema's patterns besides the duration's. */
  patterns?: PatternSentences;
}

/**
 * Validates `value` against `schema` IN PLACE: missing keys get the schema's defaults. Returns
 * every problem (empty when the value is valid).
 */
export function checkAgainstSchema(schema: JsonSchema, value: unknown, options: SchemaCheckOptions = {}): PendingIssue[] {
  return checkWithValidator(compileConfigSchema(schema), value, options);
}

/**
 * The problems a compiled validator finds in `value` (which gets the schema's defaults written
 * in, and a wholly numeric string in a numeric field turned into its number), as issues. For validators compiled ahead of time, such as the whole-config one.
 */
export function checkWithValidator(validate: ValidateFunction, value: unknown, options: SchemaCheckOptions = {}): PendingIssue[] {
  if (validate(value)) return [];
  // A number written as a string (a quoted "${PORT}") is taken as that number; a few rounds at
  // most, for fields that only appear once another one is fixed.
  for (let round = 0; round < 3 && coerceNumericStrings(validate.errors, value); round++) {
    if (validate(value)) return [];
  }
  const issues: PendingIssue[] = [];
  for (const error of validate.errors ?? []) {
    const issue = describeSchemaError(error, options.at ?? [], options.patterns);
    if (issue !== undefined) issues.push(issue);
  }
  return issues;
}

/** What a programmatic caller's input is checked as. */
export interface ApplySchemaOptions extends SchemaCheckOptions {
  /** The function that was given the input, named first in the error (`createTransport`). */
  caller: string;
}

/**
 * A copy of `input` with the schema's defaults filled in (the caller's object is left as it was).
 * @throws ConfigError (code `CONFIG_INVALID`, non-retryable) naming the caller and each bad key path.
 */
export function applySchema(schema: JsonSchema, input: unknown, options: ApplySchemaOptions): unknown {
  const copy = plainCopy(input, options);
  const issues = checkAgainstSchema(schema, copy, options);
  if (issues.length > 0) throw configErrorFor(issues, options.caller);
  return copy;
}

/**
 * A deep copy of `input`, so that filling in defaults leaves the caller's object as it was.
 * @throws ConfigError when `input` is not plain data (holds a function, a class instance...).
 */
export function plainCopy(input: unknown, options: ApplySchemaOptions): unknown {
  try {
    return structuredClone(input);
  } catch (error) {
    const path = formatPath(options.at ?? []);
    throw new ConfigError([{ path, message: `must be plain data (what JSON or YAML could hold): ${String(error)}` }], undefined, {
      caller: options.caller,
    });
  }
}

/** Who resolves a config section given in code, named in its errors. */
export interface ResolveOptions {
  /** The function that was given the section (`createTransport`); named first in the error. */
  caller?: string;
  /** Key path of the section in the caller's argument (`["transport"]`). */
  at?: readonly PathSegment[];
}

/** One ConfigError for problems found in a value a function was given (no file, no positions). */
export function configErrorFor(issues: readonly PendingIssue[], caller: string): ConfigError {
  const seen = new Set<string>();
  const unique: ConfigIssue[] = [];
  for (const issue of issues) {
    const path = formatPath(issue.path);
    const key = `${path}\n${issue.message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    unique.push({ path, message: issue.message });
  }
  return new ConfigError(unique, undefined, { caller });
}
