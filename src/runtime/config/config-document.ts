/**
 * A config FILE as a document: YAML (or JSON, through the same parser so that positions work for
 * both) with `${VAR}` interpolated in its values, and the positions of its nodes, so that every
 * problem is reported at file:line:column. Loaded only when a config comes from a file: object
 * configs never load the YAML parser.
 */
import { readFile } from "node:fs/promises";
import { LineCounter, isMap, isPair, isScalar, isSeq, parseDocument, visit } from "yaml";
import type { Document, Scalar } from "yaml";
import { ConfigError, formatPath } from "../../common/config-error.js";
import type { ConfigIssue, PathSegment, PendingIssue } from "../../common/config-error.js";
import { interpolateEnvCollecting } from "./env-interpolation.js";
import type { Environment } from "./env-interpolation.js";

/** Where a problem is in the source document, when the source is a file. */
export interface SourceDocument {
  file: string;
  document: Document;
  lines: LineCounter;
}

function keyText(key: unknown): string | undefined {
  return isScalar(key) ? String(key.value) : undefined;
}

function rangeStart(node: unknown): number | undefined {
  const range = (node as { range?: unknown } | null)?.range;
  return Array.isArray(range) && typeof range[0] === "number" ? range[0] : undefined;
}

/**
 * Offset of the node at `segments`, or of its deepest existing ancestor (a missing key is reported
 * at the mapping that lacks it). With `pointAtKey` the key of the last segment is used.
 */
function locate(document: Document, segments: readonly PathSegment[], pointAtKey: boolean): number | undefined {
  let node: unknown = document.contents;
  let best = rangeStart(node);
  for (const [index, segment] of segments.entries()) {
    const last = index === segments.length - 1;
    if (isMap(node)) {
      const pair = node.items.find((item) => isPair(item) && keyText(item.key) === String(segment));
      if (pair === undefined) break;
      if (last && pointAtKey) return rangeStart(pair.key) ?? best;
      best = rangeStart(pair.value) ?? rangeStart(pair.key) ?? best;
      node = pair.value;
    } else if (isSeq(node) && typeof segment === "number") {
      node = node.items[segment];
      best = rangeStart(node) ?? best;
    } else {
      break;
    }
  }
  return best;
}

export function toIssue(pending: PendingIssue, source: SourceDocument): ConfigIssue {
  const issue: ConfigIssue = { path: formatPath(pending.path), message: pending.message };
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
export function interpolateDocument(document: Document, env: Environment): { issues: PendingIssue[]; failed: Set<string> } {
  const issues: PendingIssue[] = [];
  const failed = new Set<string>();
  const visitNode = (node: unknown, at: PathSegment[]): void => {
    if (isMap(node)) {
      for (const item of node.items) {
        const key = keyText(item.key);
        if (key !== undefined) visitNode(item.value, [...at, key]);
      }
    } else if (isSeq(node)) {
      node.items.forEach((item, index) => visitNode(item, [...at, index]));
    } else if (isScalar(node) && typeof node.value === "string" && node.value.includes("$")) {
      const scalar = node as Scalar<unknown>;
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

/**
 * In a flow mapping or sequence (`{ port: ${PORT} }`) the braces of an unquoted `${...}` are
 * YAML's own indicators, which breaks the line's syntax. When a line that fails to parse has both,
 * this says how to write it; undefined otherwise.
 */
function unquotedReferenceHint(line: string): string | undefined {
  if (!line.includes("${") || !/[{[]/.test(line.replace(/\$\{/g, ""))) return undefined;
  const example = /([A-Za-z0-9_.-]+):\s*(\$\{[^}\s]*\}*)/.exec(line);
  const sample = example ? `${example[1]}: "${example[2]}"` : 'key: "${VAR}"';
  return ` (a \${...} inside a flow mapping { } or sequence [ ] must be quoted: ${sample})`;
}

/** Reads and parses a file; syntax errors become issues with positions. */
export async function parseFile(absolute: string, file: string): Promise<SourceDocument> {
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
  const lines = new LineCounter();
  const document = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  if (document.errors.length > 0) {
    const textLines = text.split("\n");
    const hinted = new Set<number>();
    const issues = document.errors.map((error): ConfigIssue => {
      const { line, col } = lines.linePos(error.pos[0]);
      let message = error.message.split("\n")[0] ?? error.message;
      const hint = hinted.has(line) ? undefined : unquotedReferenceHint(textLines[line - 1] ?? "");
      if (hint !== undefined) {
        hinted.add(line);
        message += hint;
      }
      return { file, line, column: col, path: "(syntax)", message };
    });
    throw new ConfigError(issues, file);
  }
  return { file, document, lines };
}

/**
 * Uses of an alias a document may make once expanded; more is a "billion laughs" document (a few
 * lines that expand to gigabytes). The yaml library's own guard, kept at its default.
 */
const MAX_ALIAS_USES = 100;

/**
 * The document's plain data. A document whose aliases expand past {@link MAX_ALIAS_USES} is a
 * config error at its first alias, not a crash.
 */
export function documentData(source: SourceDocument): unknown {
  try {
    return source.document.toJS({ maxAliasCount: MAX_ALIAS_USES });
  } catch (error) {
    if (!(error instanceof ReferenceError)) throw error;
    let offset: number | undefined;
    visit(source.document, {
      Alias(_, node) {
        offset = rangeStart(node);
        return visit.BREAK;
      },
    });
    const position = offset === undefined ? undefined : source.lines.linePos(offset);
    throw new ConfigError(
      [
        {
          file: source.file,
          ...(position === undefined ? {} : { line: position.line, column: position.col }),
          path: "(aliases)",
          message: `YAML aliases expand too far (more than ${MAX_ALIAS_USES} uses of an anchor; ${error.message}): write the repeated values out instead of nesting *aliases`,
        },
      ],
      source.file,
    );
  }
}
