/**
 * Checks a worker's `kind` against the registered kinds and its `options` against that kind's
 * JSON Schema (draft 2020-12), filling in the schema's defaults. Runs before anything starts, so
 * a bad option is a config error with a key path, not a crash inside a running actor.
 */
import type { Ajv2020, ValidateFunction } from "ajv/dist/2020.js";
import type { AnyActorDefinition } from "../define-actor.js";
import type { PathSegment, PendingIssue } from "../../common/config-error.js";
import { checkWithValidator } from "../../common/config-schema.js";
import { loadAjv2020 } from "../../common/load-ajv.js";
import { suggestClosest } from "../../common/suggest-closest.js";

/** Options after validation (defaults applied), or the problems that prevent using them. */
export interface KindOptionsResult {
  options: Record<string, unknown>;
  issues: PendingIssue[];
}

/**
 * Validates options for many children. One instance compiles each kind's schema once; keep one per
 * runtime (or per config load) so schemas of unrelated runtimes cannot clash on `$id`.
 */
export class KindOptionsValidator {
  private ajv: Ajv2020 | undefined;
  private readonly compiled = new WeakMap<AnyActorDefinition, ValidateFunction | Error>();

  constructor(private readonly kinds: ReadonlyMap<string, AnyActorDefinition>) {}

  /** Sorted names of the registered kinds, as listed in "unknown kind" messages. */
  knownKinds(): string[] {
    return [...this.kinds.keys()].sort();
  }

  /**
   * The definition of `kind`, or an issue at `at` (the `kind` key's path) that lists the known
   * kinds and suggests the closest one.
   */
  resolveKind(
    kind: string,
    at: readonly PathSegment[],
  ): { definition: AnyActorDefinition; issue?: undefined } | { definition?: undefined; issue: PendingIssue } {
    const definition = this.kinds.get(kind);
    if (definition !== undefined) return { definition };
    const known = this.knownKinds();
    const suggestion = suggestClosest(kind, known);
    const hint = suggestion === undefined ? "" : ` (did you mean '${suggestion}'?)`;
    const list =
      known.length === 0 ? "no kinds are registered: register actor kinds before loading the config" : `known kinds: ${known.join(", ")}`;
    return { issue: { path: [...at], node: [...at], message: `unknown kind '${kind}'${hint}; ${list}` } };
  }

  /**
   * Validates a copy of `options` against `definition.options`, applying defaults.
   * @param at path of the `options` key, prefixed to every issue (e.g. `children[1].options`).
   */
  validate(definition: AnyActorDefinition, options: Record<string, unknown>, at: readonly PathSegment[]): KindOptionsResult {
    let copy: Record<string, unknown>;
    try {
      copy = structuredClone(options);
    } catch (error) {
      return {
        options,
        issues: [{ path: [...at], node: [...at], message: `options must be plain data (what JSON or YAML could hold): ${String(error)}` }],
      };
    }
    const validator = this.validatorFor(definition);
    if (validator === undefined) return { options: copy, issues: [] };
    if (validator instanceof Error) {
      const message = `the options schema of kind '${definition.kind}' is not a valid JSON Schema (${validator.message}); fix the kind's definition`;
      return { options: copy, issues: [{ path: [...at], node: [...at], message }] };
    }
    return { options: copy, issues: checkWithValidator(validator, copy, { at }) };
  }

  private validatorFor(definition: AnyActorDefinition): ValidateFunction | Error | undefined {
    if (definition.options === undefined) return undefined;
    let validator = this.compiled.get(definition);
    if (validator === undefined) {
      try {
        validator = this.compiler().compile(definition.options);
      } catch (error) {
        validator = error instanceof Error ? error : new Error(String(error));
      }
      this.compiled.set(definition, validator);
    }
    return validator;
  }

  /**
   * ajv is a large module and most kinds have no options schema, so it is loaded on the first
   * schema to compile rather than when plexus is imported. It is CommonJS: `require` loads it
   * synchronously, which keeps validation synchronous.
   */
  private compiler(): Ajv2020 {
    if (this.ajv === undefined) {
      const Ajv2020 = loadAjv2020();
      // Kind schemas are written by users: unknown keywords (`x-…`, `examples`) must not fail the
      // load, and no format plugin is bundled, so `format` is an annotation, not a check.
      this.ajv = new Ajv2020({ allErrors: true, useDefaults: true, verbose: true, strict: false, validateFormats: false, logger: false });
    }
    return this.ajv;
  }
}
