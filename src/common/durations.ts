/**
 * Durations in config files: a number of milliseconds, or a decimal number followed by a unit
 * (`250ms`, `30s`, `1.5s`, `5m`, `1h`, `1d`). Everything inside plexus works in milliseconds.
 */
import { NonRetryableError } from "./errors.js";

const MILLISECONDS_PER_UNIT: Readonly<Record<string, number>> = {
  ms: 1,
  s: 1_000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
};

/**
 * The accepted string form, used by {@link DURATION_SCHEMA} (and so by the generated
 * `config/plexus.schema.json`), so editors flag the same values the loader rejects. Optional
 * spaces between number and unit.
 */
export const DURATION_PATTERN = "^\\s*[0-9]+(\\.[0-9]+)?\\s*(ms|s|m|h|d)\\s*$";

/**
 * A duration as users write it: a number of milliseconds, or a decimal number with a unit
 * (`"250ms"`, `"1.5s"`, `"30s"`, `"5m"`, `"1h"`, `"1d"`). Negative values are rejected at run time.
 */
export type Duration = number | `${number}ms` | `${number}s` | `${number}m` | `${number}h` | `${number}d`;

/** JSON Schema (draft 2020-12) of a {@link Duration}; config schemas refer to it as `#/$defs/duration`. */
export const DURATION_SCHEMA = {
  description: 'Milliseconds, or a number with a unit: ms, s, m, h, d ("250ms", "1.5s", "30s", "5m").',
  type: ["number", "string"],
  minimum: 0,
  pattern: DURATION_PATTERN,
} as const;

const durationExpression = new RegExp(DURATION_PATTERN);

/** Human description of the accepted forms, used in every "bad duration" message. */
export const DURATION_FORMS = 'a duration such as "250ms", "1.5s", "30s", "5m", "1h", "1d", or a number of milliseconds';

/**
 * Converts a config duration to milliseconds (rounded to a whole millisecond).
 * @param value a non-negative number of milliseconds, or a string like `"30s"`.
 * @param where what is being parsed (e.g. a key path), named in the error.
 * @throws NonRetryableError (code `CONFIG_INVALID`) naming the value, `where`, and the accepted forms.
 */
export function parseDuration(value: number | string, where?: string): number {
  const parsed = tryParseDuration(value);
  if (parsed === undefined) {
    const subject = where === undefined ? "duration" : `duration at ${where}`;
    throw new NonRetryableError(`invalid ${subject}: got ${JSON.stringify(value)}; expected ${DURATION_FORMS}`, { code: "CONFIG_INVALID" });
  }
  return parsed;
}

/** Like {@link parseDuration} but returns undefined instead of throwing. */
export function tryParseDuration(value: unknown): number | undefined {
  if (typeof value === "number") {
    return Number.isFinite(value) && value >= 0 ? Math.round(value) : undefined;
  }
  if (typeof value !== "string") return undefined;
  const match = durationExpression.exec(value);
  if (match === null) return undefined;
  const text = value.trim();
  const unit = match[2] ?? "ms";
  const amount = Number(text.slice(0, text.length - unit.length).trim());
  const milliseconds = amount * (MILLISECONDS_PER_UNIT[unit] ?? 1);
  return Number.isFinite(milliseconds) ? Math.round(milliseconds) : undefined;
}
