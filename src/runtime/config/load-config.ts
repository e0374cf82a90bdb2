/**
 * Loads a plexus config: parse (YAML, or JSON through the same YAML parser so positions work for
 * both) → `${VAR}` interpolation in scalar values → JSON Schema validation against
 * `config/plexus.schema.json` (defaults applied) → normalisation and checks a schema cannot make
 * (kinds, kind options, duplicate ids). Every problem from every step is collected and thrown
 * together as one `ConfigError`, each with file:line:column and its key path.
 */
import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import path from "node:path";
import type * as Yaml from "yaml";
import type { AnyActorDefinition } from "../actor-definition.js";
import { ConfigError, describeSchemaError, formatIssue, formatPath } from "./config-error.js";
import type { ConfigIssue, PathSegment, PendingIssue } from "./config-error.js";
import { validateConfigSchema } from "./config-schema-validator.js";
import { normaliseConfig } from "./normalise.js";
import type { ResolvedConfig } from "./plexus-config.js";
import { interpolateEnvCollecting } from "./env-interpolation.js";
import type { Environment } from "./env-interpolation.js";
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
}

/** Location of the JSON Schema of the raw config file (three levels up from both src/runtime/config and dist/runtime/config). */
export const CONFIG_SCHEMA_URL = new URL("../../../config/plexus.schema.json", import.meta.url);

let yamlModule: typeof Yaml | undefined;

/**
 * The YAML parser, loaded on the first config file rather than when plexus is imported: object
 * configs (what most embedders pass) never need it. Its CommonJS build loads synchronously.
 */
function yaml(): typeof Yaml {
  return (yamlModule ??= createRequire(import.meta.url)("yaml") as typeof Yaml);
}

/** Where a problem is in the source document, when the source is a file. */
interface SourceDocument {
  file: string;
  document: Yaml.Document;
  lines: Yaml.LineCounter;
}

function keyText(key: unknown): string | undefined {
  return yaml().isScalar(key) ? String(key.value) : undefined;
}

function rangeStart(node: unknown): number | undefined {
  const range = (node as { range?: unknown } | null)?.range;
  return Array.isArray(range) && typeof range[0] === "number" ? range[0] : undefined;
}

/**
 * Offset of the node at `segments`, or of its deepest existing ancestor (a missing key is reported
 * at the mapping that lacks it). With `pointAtKey` the key of the last segment is used.
 */
function locate(document: Yaml.Document, segments: readonly PathSegment[], pointAtKey: boolean): number | undefined {
  let node: unknown = document.contents;
  let best = rangeStart(node);
  for (const [index, segment] of segments.entries()) {
    const last = index === segments.length - 1;
    if (yaml().isMap(node)) {
      const pair = node.items.find((item) => yaml().isPair(item) && keyText(item.key) === String(segment));
      if (pair === undefined) break;
      if (last && pointAtKey) return rangeStart(pair.key) ?? best;
      best = rangeStart(pair.value) ?? rangeStart(pair.key) ?? best;
      node = pair.value;
    } else if (yaml().isSeq(node) && typeof segment === "number") {
      node = node.items[segment];
      best = rangeStart(node) ?? best;
    } else {
      break;
    }
  }
  return best;
}

function toIssue(pending: PendingIssue, source: SourceDocument | undefined): ConfigIssue {
  const issue: ConfigIssue = { path: formatPath(pending.path), message: pending.message };
  if (source === undefined) return issue;
  issue.file = source.file;
  const offset = locate(source.document, pending.node, pending.pointAtKey === true);
  if (offset !== undefined) {
    const { line, col } = source.lines.linePos(offset);
    issue.line = line;
    issue.column = col;
  }
  return issue;
}

/**
 * A plain (unquoted) scalar that became a number or boolean after interpolation is typed as such,
 * so `port: ${PORT:-8001}` is a number. Quote the value (`"${X}"`) to keep it a string.
 */
function retype(text: string): string | number | boolean {
  if (/^[-+]?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][-+]?[0-9]+)?$/.test(text)) return Number(text);
  if (text === "true" || text === "false") return text === "true";
  return text;
}

/**
 * Interpolates `${VAR}` in every scalar value (never in keys) of the parsed document, in place.
 * Returns the problems and the paths of the values that had them.
 */
function interpolateDocument(document: Yaml.Document, env: Environment): { issues: PendingIssue[]; failed: Set<string> } {
  const issues: PendingIssue[] = [];
  const failed = new Set<string>();
  const visitNode = (node: unknown, at: PathSegment[]): void => {
    if (yaml().isMap(node)) {
      for (const item of node.items) {
        const key = keyText(item.key);
        if (key !== undefined) visitNode(item.value, [...at, key]);
      }
    } else if (yaml().isSeq(node)) {
      node.items.forEach((item, index) => visitNode(item, [...at, index]));
    } else if (yaml().isScalar(node) && typeof node.value === "string" && node.value.includes("$")) {
      const scalar = node as Yaml.Scalar<unknown>;
      const original = scalar.value as string;
      const { value, problems } = interpolateEnvCollecting(original, env);
      for (const message of problems) issues.push({ path: at, node: at, message });
      if (problems.length > 0) failed.add(formatPath(at));
      scalar.value = scalar.type === "PLAIN" && original.includes("${") ? retype(value) : value;
    }
  };
  visitNode(document.contents, []);
  return { issues, failed };
}

/** Reads and parses a file; syntax errors become issues with positions. */
async function parseFile(absolute: string, file: string): Promise<SourceDocument> {
  let text: string;
  try {
    text = await readFile(absolute, "utf8");
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code === "ENOENT" ? "file not found" : String(error);
    throw new ConfigError(
      [{ file, path: "(root)", message: `cannot read ${absolute}: ${reason}; pass an existing .yaml, .yml or .json file` }],
      file,
    );
  }
  const lines = new (yaml().LineCounter)();
  const document = yaml().parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  if (document.errors.length > 0) {
    const issues = document.errors.map((error): ConfigIssue => {
      const { line, col } = lines.linePos(error.pos[0]);
      return { file, line, column: col, path: "(syntax)", message: error.message.split("\n")[0] ?? error.message };
    });
    throw new ConfigError(issues, file);
  }
  return { file, document, lines };
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * Loads, validates and normalises a config.
 * @param source path to a `.yaml`/`.yml`/`.json` file (relative to `options.cwd`), or an object of
 *   the same raw shape (not interpolated: code can read the environment itself; not mutated).
 * @throws ConfigError (code `CONFIG_INVALID`, non-retryable) listing every problem found.
 */
export async function loadConfig(source: string | Record<string, unknown>, options: LoadConfigOptions): Promise<ResolvedConfig> {
  const cwd = options.cwd ?? process.cwd();
  const pending: PendingIssue[] = [];
  let document: SourceDocument | undefined;
  let absolute: string | undefined;
  let raw: unknown;
  let failedPaths = new Set<string>();

  if (typeof source === "string") {
    absolute = path.resolve(cwd, source);
    document = await parseFile(absolute, source);
    const interpolation = interpolateDocument(document.document, options.env ?? process.env);
    pending.push(...interpolation.issues);
    failedPaths = interpolation.failed;
    // An empty file is an empty config: every default, no children.
    raw = document.document.toJS() ?? {};
  } else {
    try {
      // Defaults are written into the copy; the caller's object is left as it was.
      raw = structuredClone(source);
    } catch (error) {
      throw new ConfigError([
        { path: "(root)", message: `a config object must be plain data (what JSON or YAML could hold): ${String(error)}` },
      ]);
    }
  }

  if (!isPlainObject(raw)) {
    pending.push({
      path: [],
      node: [],
      message: "expected a mapping of sections (runtime, transport, supervisor, children, …) at the top level",
    });
    throw buildError(pending, document);
  }
  if (!validateConfigSchema(raw)) {
    for (const error of validateConfigSchema.errors ?? []) {
      const issue = describeSchemaError(error);
      // A value whose ${VAR} could not be resolved was reported already; its shape is noise.
      if (issue !== undefined && !failedPaths.has(formatPath(issue.node))) pending.push(issue);
    }
  }
  const baseDir = absolute === undefined ? path.resolve(cwd) : path.dirname(absolute);
  const { config, issues } = normaliseConfig(raw, {
    baseDir,
    validator: new KindOptionsValidator(options.kinds),
    ...(options.acceptUnknownKinds ? { acceptUnknownKinds: true } : {}),
  });
  pending.push(...issues);
  if (pending.length > 0) throw buildError(pending, document);
  if (absolute !== undefined) config.source = absolute;
  return config;
}

/** Positions, de-duplicates and orders the issues (by position in the file) into one error. */
function buildError(pending: readonly PendingIssue[], document: SourceDocument | undefined): ConfigError {
  const seen = new Set<string>();
  const issues: ConfigIssue[] = [];
  for (const issue of pending.map((item) => toIssue(item, document))) {
    const text = formatIssue(issue);
    if (seen.has(text)) continue;
    seen.add(text);
    issues.push(issue);
  }
  const order = (issue: ConfigIssue): number => (issue.line ?? Number.MAX_SAFE_INTEGER) * 1e6 + (issue.column ?? 0);
  issues.sort((a, b) => order(a) - order(b));
  return new ConfigError(issues, document?.file);
}
