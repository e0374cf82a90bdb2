/**
 * Loads a plexus config: parse (YAML, or JSON through the same YAML parser so positions work for
 * both) → `${VAR}` interpolation in scalar values → JSON Schema validation against the whole-config
 * schema (`PLEXUS_CONFIG_SCHEMA`, compiled ahead of time; defaults applied) → resolution through the section resolvers and
 * the checks a schema cannot make (kinds, kind options, duplicate ids). Every problem from every
 * step is collected and thrown together as one `ConfigError`, each with file:line:column and its
 * key path.
 */
import { stat } from "node:fs/promises";
import path from "node:path";
import { checkWithValidator } from "../../common/config-schema.js";
import { ConfigError, formatIssue, formatPath } from "../../common/config-error.js";
import type { ConfigIssue, PendingIssue } from "../../common/config-error.js";
import type { AnyActorDefinition } from "../define-actor.js";
import { CHILD_PATTERN_SENTENCES } from "../supervision/resolve-child.js";
import { normaliseConfig } from "./normalise.js";
import { opsOffByOmission } from "./object-config-ops.js";
import { validateConfigSchema } from "./config-schema-validator.js";
import type { PlexusConfig, ResolvedConfig } from "./plexus-config.js";
import type { SourceDocument } from "./config-document.js";
import { KindOptionsValidator } from "./kind-options.js";

/** What `loadConfig` needs besides the source. */
export interface LoadConfigOptions {
  /** Registered actor kinds; `kind:` values are looked up here and their options validated. */
  kinds: ReadonlyMap<string, AnyActorDefinition>;
  /** Variables for `${VAR}`; default `process.env`. */
  env?: NodeJS.ProcessEnv;
  /** Resolves a relative config path, and relative paths of an object config; default `process.cwd()`. */
  cwd?: string;
  /**
   * Accept `kind:` values that are not registered (their options go unchecked). For tools that
   * only need the transport and ops sections, such as `plexus pub/sub -c` and `plexus doctor`;
   * never for starting a runtime.
   */
  acceptUnknownKinds?: boolean;
  /**
   * The caller never starts the ops server (`plexus pub/sub -c` on a network transport): a
   * `runtime.ops` binding that a runtime would refuse (a host beyond loopback without a token)
   * is not reported.
   */
  opsUnused?: boolean;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * Loads, validates and resolves a config.
 * @param source path to a `.yaml`/`.yml`/`.json` file (relative to `options.cwd`), or an object of
 *   the same shape (not interpolated: code can read the environment itself; not mutated). An
 *   object config runs the ops server only when it has a `runtime.ops` section (see `OpsConfig`).
 * @throws ConfigError (code `CONFIG_INVALID`, non-retryable) listing every problem found.
 */
export async function loadConfig(source: string | PlexusConfig, options: LoadConfigOptions): Promise<ResolvedConfig> {
  const cwd = options.cwd ?? process.cwd();
  const pending: PendingIssue[] = [];
  let document: SourceDocument | undefined;
  let absolute: string | undefined;
  let raw: unknown;
  let failedPaths = new Set<string>();
  let positionIssue: ((pending: PendingIssue, source: SourceDocument) => ConfigIssue) | undefined;

  if (typeof source === "string") {
    absolute = path.resolve(cwd, source);
    const { parseFile, interpolateDocument, toIssue, documentData } = await import("./config-document.js");
    document = await parseFile(absolute, source);
    positionIssue = toIssue;
    const interpolation = interpolateDocument(document.document, options.env ?? process.env);
    pending.push(...interpolation.issues);
    failedPaths = interpolation.failed;
    // An empty file is an empty config: every default, no children.
    raw = documentData(document) ?? {};
  } else {
    try {
      // Defaults are written into the copy; the caller's object is left as it was.
      raw = structuredClone(source);
    } catch (error) {
      throw new ConfigError([
        { path: "(root)", message: `a config object must be plain data (what JSON or YAML could hold): ${String(error)}` },
      ]);
    }
    if (isPlainObject(raw) && opsOffByOmission(raw)) raw.runtime = { ...(raw.runtime as object | undefined), ops: { enabled: false } };
  }

  if (!isPlainObject(raw)) {
    pending.push({
      path: [],
      node: [],
      message: "expected a mapping of sections (runtime, transport, supervisor, children, …) at the top level",
    });
    throw buildError(pending, document, positionIssue);
  }
  const schemaIssues = checkWithValidator(validateConfigSchema, raw, { patterns: CHILD_PATTERN_SENTENCES });
  // A value whose ${VAR} could not be resolved was reported already; its shape is noise.
  pending.push(...schemaIssues.filter((issue) => !failedPaths.has(formatPath(issue.node))));
  const { config, issues } = normaliseConfig(raw as PlexusConfig, {
    baseDir: absolute === undefined ? path.resolve(cwd) : path.dirname(absolute),
    validator: new KindOptionsValidator(options.kinds),
    schemaValid: schemaIssues.length === 0,
    checkOpsBinding: options.opsUnused !== true,
    ...(options.acceptUnknownKinds ? { acceptUnknownKinds: true } : {}),
  });
  pending.push(...issues);
  if (config?.contracts !== undefined) pending.push(...(await contractsDirIssues(config.contracts.dir)));
  if (pending.length > 0 || config === undefined) throw buildError(pending, document, positionIssue);
  if (absolute !== undefined) config.source = absolute;
  return config;
}

/**
 * A contracts directory that is missing is a mistake in the config (its `contracts.dir` line),
 * found here rather than when the bus loads the contracts, so it is reported with the others.
 */
async function contractsDirIssues(dir: string): Promise<PendingIssue[]> {
  const at = ["contracts", "dir"];
  try {
    if ((await stat(dir)).isDirectory()) return [];
    return [{ path: at, node: at, message: `${dir} is not a directory; point contracts.dir at the directory of contract files` }];
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code === "ENOENT" ? "does not exist" : `cannot be read (${(error as Error).message})`;
    return [{ path: at, node: at, message: `contracts directory ${dir} ${reason}; create it or fix contracts.dir` }];
  }
}

/** Positions (in a file), de-duplicates and orders the issues (by position in the file) into one error. */
function buildError(
  pending: readonly PendingIssue[],
  document: SourceDocument | undefined,
  position: ((pending: PendingIssue, source: SourceDocument) => ConfigIssue) | undefined,
): ConfigError {
  const seen = new Set<string>();
  const issues: ConfigIssue[] = [];
  const toIssue = (item: PendingIssue): ConfigIssue =>
    document && position ? position(item, document) : { path: formatPath(item.path), message: item.message };
  for (const issue of pending.map(toIssue)) {
    const text = formatIssue(issue);
    if (seen.has(text)) continue;
    seen.add(text);
    issues.push(issue);
  }
  const order = (issue: ConfigIssue): number => (issue.line ?? Number.MAX_SAFE_INTEGER) * 1e6 + (issue.column ?? 0);
  issues.sort((a, b) => order(a) - order(b));
  return new ConfigError(issues, document?.file);
}
