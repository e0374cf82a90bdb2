/**
 * How config problems are described: the issue record, its key path, and the error that carries
 * all of them. Config files (the loader) and programmatic callers (`createTransport`,
 * `new MessageBus`, `runtime.startChild`) report through the same error.
 */
import { PlexusError } from "./errors.js";

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

/** Where a config came from, named in the error's first line. */
export interface ConfigErrorSource {
  /**
   * The function that was given the config (`createTransport`, `startChild("root")`): the error
   * then reads `<caller>: <path>: <message>` instead of naming a file.
   */
  caller?: string;
}

/**
 * A config that cannot be used. Carries every problem found (not only the first), so a user fixes
 * them in one pass. Never retryable: restarting with the same config fails the same way.
 */
export class ConfigError extends PlexusError {
  readonly issues: ConfigIssue[];
  /** The file (as named to the loader), or undefined for an object config. */
  readonly file: string | undefined;

  /**
   * @param file the config file as named to the loader; omit for object configs.
   * @param source who was given the config, for configs passed to a function.
   */
  constructor(issues: ConfigIssue[], file?: string, source: ConfigErrorSource = {}) {
    super("CONFIG_INVALID", describeIssues(issues, file, source.caller), { retryable: false });
    this.issues = issues;
    this.file = file;
  }
}

function describeIssues(issues: readonly ConfigIssue[], file: string | undefined, caller: string | undefined): string {
  const count = `${issues.length} problem${issues.length === 1 ? "" : "s"}`;
  const lines = issues.map((issue) => formatIssue(issue));
  if (caller !== undefined) {
    // A function's caller reads one line per problem, the first one on the header line when alone.
    return lines.length === 1 ? `${caller}: ${lines[0] ?? ""}` : [`${caller}: ${count}`, ...lines.map((line) => `  ${line}`)].join("\n");
  }
  return [`invalid config ${file ?? "(object)"}: ${count}`, ...lines.map((line) => `  ${line}`)].join("\n");
}
