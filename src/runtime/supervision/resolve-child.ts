/**
 * Supervisors and children as users write them → the `ChildSpec`s the supervision tree runs:
 * durations in milliseconds, kinds looked up, options checked against their kind's schema. Also
 * finds what a JSON Schema cannot express: duplicate sibling ids, unknown kinds,
 * `backoff.min > backoff.max`. The config loader and `runtime.startChild` both resolve here.
 *
 * The loader resolves even when the schema found problems, so that every issue is reported in one
 * pass; reading is therefore defensive and skips what is malformed (the schema reported it).
 */
import { checkAgainstSchema, configErrorFor, plainCopy, sectionSchema } from "../../common/config-schema.js";
import { formatPath } from "../../common/config-error.js";
import type { PathSegment, PendingIssue } from "../../common/config-error.js";
import type { PatternSentences } from "../../common/describe-schema-error.js";
import { parseDuration, tryParseDuration } from "../../common/durations.js";
import type { KindOptionsValidator } from "../config/kind-options.js";
import { CHILD_ID_PATTERN, CHILD_ID_SENTENCE, CHILD_SCHEMA_DEFS } from "./child-config.js";
import type { ChildConfig } from "./child-config.js";
import type { ChildSpec, RestartType, Strategy, SupervisorSpec } from "./child-spec.js";

/** How children's kinds are resolved. */
export interface ChildResolveContext {
  /** Looks kinds up and checks their options; keep one per runtime or config load. */
  validator: KindOptionsValidator;
  /** Keep children of unregistered kinds (options unchecked) instead of reporting them. */
  acceptUnknownKinds?: boolean;
}

/** Sentences for the patterns of the child schemas, for `describeSchemaError`. */
export const CHILD_PATTERN_SENTENCES: PatternSentences = new Map([[CHILD_ID_PATTERN, CHILD_ID_SENTENCE]]);

/** A worker's shutdown budget when it names none; the floor of a supervisor's computed one. */
const DEFAULT_SHUTDOWN_MS = parseDuration(CHILD_SCHEMA_DEFS.workerChild.properties.shutdown.default);

const CHILD_SECTION = sectionSchema("child", CHILD_SCHEMA_DEFS);

type RawObject = Record<string, unknown>;

function isObject(value: unknown): value is RawObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Milliseconds of a duration the schema checked; a rejected one was reported already, so 0 is never used. */
function milliseconds(value: unknown): number {
  return tryParseDuration(value) ?? 0;
}

/**
 * The resolved form of a supervisor section the schema has checked and filled with defaults;
 * reports `backoff.min > backoff.max` into `issues`.
 * @param at key path of the section, for the issue.
 */
export function toResolvedSupervisor(raw: unknown, at: readonly PathSegment[], issues: PendingIssue[]): SupervisorSpec {
  const section = isObject(raw) ? raw : {};
  const backoff = isObject(section.backoff) ? section.backoff : {};
  const periodMs = milliseconds(section.period);
  const minMs = milliseconds(backoff.min);
  const maxMs = milliseconds(backoff.max);
  if (minMs > maxMs) {
    const where = [...at, "backoff", "min"];
    issues.push({
      path: where,
      node: where,
      message: `backoff.min (${minMs} ms) is greater than backoff.max (${maxMs} ms): lower min or raise max`,
    });
  }
  return {
    strategy: section.strategy as Strategy,
    intensity: section.intensity as number,
    periodMs,
    backoff: { minMs, maxMs, jitter: backoff.jitter as number },
    // No schema default: a child that ran for one whole restart window has proven itself.
    stableMs: section.stable === undefined ? periodMs : milliseconds(section.stable),
  };
}

/**
 * The resolved form of a `children` list the schema has checked; reports duplicate sibling ids,
 * unknown kinds and bad kind options into `issues`.
 */
export function toResolvedChildren(
  raw: unknown,
  at: readonly PathSegment[],
  context: ChildResolveContext,
  issues: PendingIssue[],
): ChildSpec[] {
  if (!Array.isArray(raw)) return [];
  const children: ChildSpec[] = [];
  const firstIndexOfId = new Map<string, number>();
  raw.forEach((entry: unknown, index) => {
    const here = [...at, index];
    if (!isObject(entry)) return;
    const id = typeof entry.id === "string" ? entry.id : "";
    if (id !== "") {
      const first = firstIndexOfId.get(id);
      if (first === undefined) firstIndexOfId.set(id, index);
      else
        issues.push({
          path: [...here, "id"],
          node: [...here, "id"],
          message: `duplicate id '${id}': already used by ${formatPath([...at, first])}; ids must be unique among siblings`,
        });
    }
    const child = toResolvedChild(entry, id, here, context, issues);
    if (child !== undefined) children.push(child);
  });
  return children;
}

function toResolvedChild(
  raw: RawObject,
  id: string,
  at: PathSegment[],
  context: ChildResolveContext,
  issues: PendingIssue[],
): ChildSpec | undefined {
  const restart = raw.restart as RestartType;
  if (raw.supervisor !== undefined) {
    const supervisor = toResolvedSupervisor(raw.supervisor, [...at, "supervisor"], issues);
    const children = toResolvedChildren(raw.children, [...at, "children"], context, issues);
    // Children stop one by one in reverse order, so a supervisor needs the sum of their budgets.
    const needed = children.reduce((sum, child) => sum + child.shutdownMs, 0);
    const shutdownMs = raw.shutdown === undefined ? Math.max(DEFAULT_SHUTDOWN_MS, needed) : milliseconds(raw.shutdown);
    return { id, supervisor, children, restart, shutdownMs };
  }
  const kind = raw.kind;
  if (typeof kind !== "string") return undefined;
  const shutdownMs = milliseconds(raw.shutdown);
  const { definition, issue } = context.validator.resolveKind(kind, [...at, "kind"]);
  if (definition === undefined) {
    // Client tools (pub, sub, doctor) read transport and ops only: a plugin kind they never
    // loaded is not their problem, so its child is kept with its options unchecked.
    if (context.acceptUnknownKinds) return { id, kind, restart, shutdownMs, options: isObject(raw.options) ? raw.options : {} };
    issues.push(issue);
    return undefined;
  }
  if (!isObject(raw.options)) return undefined;
  const { options, issues: optionIssues } = context.validator.validate(definition, raw.options, [...at, "options"]);
  issues.push(...optionIssues);
  return { id, kind, restart, shutdownMs, options };
}

/**
 * Resolves one child given in code (`runtime.startChild`) exactly as a config file's `children[]`
 * entry: schema defaults and checks, durations, kinds and kind options.
 * @param caller named first in the error, e.g. `startChild("root")`.
 * @throws ConfigError (code `CONFIG_INVALID`, non-retryable) naming every bad key path.
 */
export function resolveChildConfig(input: ChildConfig, context: ChildResolveContext & { caller: string }): ChildSpec {
  const copy = plainCopy(input, { caller: context.caller });
  const issues = checkAgainstSchema(CHILD_SECTION, copy, { patterns: CHILD_PATTERN_SENTENCES });
  const resolved = isObject(copy) ? toResolvedChild(copy, typeof copy.id === "string" ? copy.id : "", [], context, issues) : undefined;
  if (issues.length > 0 || resolved === undefined) throw configErrorFor(issues, context.caller);
  return resolved;
}
