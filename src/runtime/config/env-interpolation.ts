/**
 * `${VAR}` substitution in config values. Done on parsed scalars (never on the raw text), so a
 * value containing quotes or newlines cannot change the document's structure and every position
 * reported later is still the position in the file the user wrote.
 *
 * Forms: `${VAR}` (must be set), `${VAR:-default}` (default when unset or empty, as in sh),
 * `$${...}` (a literal `${...}`). A `$` not followed by `{` is left alone.
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
  let value = "";
  let index = 0;
  while (index < text.length) {
    const dollar = text.indexOf("$", index);
    if (dollar === -1) {
      value += text.slice(index);
      break;
    }
    value += text.slice(index, dollar);
    if (text.startsWith("$${", dollar)) {
      // Escape: `$${X}` stands for the literal `${X}`; copy up to the closing brace untouched.
      const close = text.indexOf("}", dollar + 3);
      const end = close === -1 ? text.length : close + 1;
      value += text.slice(dollar + 1, end);
      index = end;
      continue;
    }
    if (!text.startsWith("${", dollar)) {
      value += "$";
      index = dollar + 1;
      continue;
    }
    const close = text.indexOf("}", dollar + 2);
    if (close === -1) {
      problems.push(`unterminated '\${' in ${JSON.stringify(text)}: close it with '}' or write '$\${' for a literal`);
      value += text.slice(dollar);
      break;
    }
    const body = text.slice(dollar + 2, close);
    const separator = body.indexOf(":-");
    const name = separator === -1 ? body : body.slice(0, separator);
    const fallback = separator === -1 ? undefined : body.slice(separator + 2);
    index = close + 1;
    if (!VARIABLE_NAME.test(name)) {
      problems.push(`'\${${body}}' is not a variable reference: names are letters, digits and '_' (write '$\${' for a literal)`);
      continue;
    }
    const found = env[name];
    if (found !== undefined && found !== "") value += found;
    else if (fallback !== undefined) value += fallback;
    else if (found === "") value += "";
    else problems.push(`environment variable ${name} is not set and has no default: set it, or write \${${name}:-default}`);
  }
  return { value, problems };
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
