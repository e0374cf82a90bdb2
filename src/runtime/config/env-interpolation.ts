/**
 * `${VAR}` substitution in config values. Done on parsed scalars (never on the raw text), so a
 * value containing quotes or newlines cannot change the document's structure and every position
 * reported later is still the position in the file the user wrote.
 *
 * Forms: `${VAR}` (must be set), `${VAR:-default}` (default when unset or empty, as in sh; the
 * default may hold references itself: `${A:-${HOME}}`), `$${...}` (a literal `${...}`). A `$` not
 * followed by `{` is left alone.
 */
import { NonRetryableError } from "../../common/errors.js";

/** Environment to read: `process.env` or a test's own record. */
export type Environment = Readonly<Record<string, string | undefined>>;

/** Result of interpolating one string: the text, and the problems found (empty when fine). */
export interface InterpolationResult {
  value: string;
  problems: string[];
}

const VARIABLE_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * Interpolates `text`, collecting every problem instead of stopping at the first, so the loader
 * can report them all with the position of the value they are in.
 */
export function interpolateEnvCollecting(text: string, env: Environment): InterpolationResult {
  const problems: string[] = [];
  const { value } = expand(text, 0, false, env, problems);
  return { value, problems };
}

/** What {@link expand} made of a stretch of text. */
interface Expansion {
  value: string;
  /** Index just past what was read (past the closing `}` of a nested default). */
  end: number;
  /** For a nested default: whether its closing `}` was found. */
  closed: boolean;
}

/**
 * Expands `text` from `start`: to its end, or (`nested`, inside a `${VAR:-default}`) to the `}`
 * that closes the default. A default may itself hold references, as in sh: `${A:-${HOME}}`.
 */
function expand(text: string, start: number, nested: boolean, env: Environment, problems: string[]): Expansion {
  let value = "";
  let index = start;
  while (index < text.length) {
    const dollar = nextSpecial(text, index, nested);
    if (dollar === -1) {
      value += text.slice(index);
      return { value, end: text.length, closed: false };
    }
    value += text.slice(index, dollar);
    if (text[dollar] === "}") return { value, end: dollar + 1, closed: true };
    if (text.startsWith("$${", dollar)) {
      // Escape: `$${X}` stands for the literal `${X}`, nested braces and all.
      const end = closingBrace(text, dollar + 3);
      value += text.slice(dollar + 1, end);
      index = end;
      continue;
    }
    if (!text.startsWith("${", dollar)) {
      value += "$";
      index = dollar + 1;
      continue;
    }
    const reference = expandReference(text, dollar, env, problems);
    value += reference.value;
    index = reference.end;
    if (reference.unterminated) return { value, end: text.length, closed: false };
  }
  return { value, end: text.length, closed: false };
}

/** The next `$` (or, inside a default, the `}` that may close it) at or after `from`. */
function nextSpecial(text: string, from: number, nested: boolean): number {
  const dollar = text.indexOf("$", from);
  if (!nested) return dollar;
  const brace = text.indexOf("}", from);
  if (brace === -1) return dollar;
  return dollar === -1 || brace < dollar ? brace : dollar;
}

/** Index just past the `}` that closes a `${` whose body starts at `from`, counting nested `${`. */
function closingBrace(text: string, from: number): number {
  let depth = 1;
  for (let index = from; index < text.length; index++) {
    if (text.startsWith("${", index)) {
      depth++;
      index++;
    } else if (text[index] === "}" && --depth === 0) {
      return index + 1;
    }
  }
  return text.length;
}

/** One `${...}` starting at `dollar`: its value, where it ends, and whether it was never closed. */
function expandReference(
  text: string,
  dollar: number,
  env: Environment,
  problems: string[],
): { value: string; end: number; unterminated: boolean } {
  const unterminated = () => {
    problems.push(`unterminated '\${' in ${JSON.stringify(text)}: close it with '}' or write '$\${' for a literal`);
    return { value: text.slice(dollar), end: text.length, unterminated: true };
  };
  const nameStart = dollar + 2;
  const nameMatch = /^[A-Za-z0-9_]*/.exec(text.slice(nameStart));
  const name = nameMatch?.[0] ?? "";
  const after = nameStart + name.length;
  const found = env[name];
  const valid = VARIABLE_NAME.test(name);
  if (text.startsWith(":-", after)) {
    // The default is read in full to find where the reference ends; its own problems count only
    // when it is used (sh does not expand a default it does not need either).
    const defaultProblems: string[] = [];
    const fallback = expand(text, after + 2, true, env, defaultProblems);
    if (!fallback.closed) return unterminated();
    if (!valid) return notAReference(text.slice(nameStart, fallback.end - 1), fallback.end, problems);
    if (found !== undefined && found !== "") return { value: found, end: fallback.end, unterminated: false };
    problems.push(...defaultProblems);
    return { value: fallback.value, end: fallback.end, unterminated: false };
  }
  if (text[after] !== "}") {
    const end = closingBrace(text, nameStart);
    if (text[end - 1] !== "}") return unterminated();
    return notAReference(text.slice(nameStart, end - 1), end, problems);
  }
  if (!valid) return notAReference(name, after + 1, problems);
  const end = after + 1;
  if (found !== undefined) return { value: found, end, unterminated: false };
  problems.push(`environment variable ${name} is not set and has no default: set it, or write \${${name}:-default}`);
  return { value: "", end, unterminated: false };
}

function notAReference(body: string, end: number, problems: string[]): { value: string; end: number; unterminated: boolean } {
  problems.push(`'\${${body}}' is not a variable reference: names are letters, digits and '_' (write '$\${' for a literal)`);
  return { value: "", end, unterminated: false };
}

/**
 * Replaces `${VAR}` and `${VAR:-default}` in `text` with values from `env`.
 * @throws NonRetryableError (code `CONFIG_INVALID`) listing every unset variable without a default.
 */
export function interpolateEnv(text: string, env: Environment = process.env): string {
  const { value, problems } = interpolateEnvCollecting(text, env);
  if (problems.length > 0) throw new NonRetryableError(problems.join("; "), { code: "CONFIG_INVALID" });
  return value;
}
