import type { Ajv2020 } from "ajv/dist/2020.js";

/**
 * The `format` values contracts may use. ajv knows none by itself and, in strict mode, refuses a
 * schema naming an unknown format, so a contract using something else fails to compile loudly.
 * These cover what the runtime's own topics need; they are written here to avoid a dependency.
 */
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const TIME = /^(\d{2}):(\d{2}):(\d{2})(\.\d+)?(z|[+-]\d{2}:\d{2})$/i;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;

function isDate(text: string): boolean {
  const m = DATE.exec(text);
  if (m === null) return false;
  const year = Number(m[1]);
  const month = Number(m[2]);
  const day = Number(m[3]);
  if (month < 1 || month > 12 || day < 1) return false;
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  const days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1] as number;
  return day <= days;
}

function isTime(text: string): boolean {
  const m = TIME.exec(text);
  if (m === null) return false;
  const hour = Number(m[1]);
  const minute = Number(m[2]);
  const second = Number(m[3]);
  return hour <= 23 && minute <= 59 && second <= 60; // 60: leap second
}

/** RFC 3339 date-time: `2025-01-31T12:00:00.000Z` (a `T` or space separator, offset required). */
function isDateTime(text: string): boolean {
  const separator = text.search(/[Tt ]/);
  if (separator !== 10) return false;
  return isDate(text.slice(0, 10)) && isTime(text.slice(11));
}

function isUri(text: string): boolean {
  if (!/^[A-Za-z][A-Za-z0-9+.-]*:/.test(text)) return false;
  try {
    new URL(text);
    return true;
  } catch {
    return false;
  }
}

/** Registers the supported formats on `ajv`. */
export function addContractFormats(ajv: Ajv2020): void {
  ajv.addFormat("date-time", { type: "string", validate: isDateTime });
  ajv.addFormat("date", { type: "string", validate: isDate });
  ajv.addFormat("time", { type: "string", validate: isTime });
  ajv.addFormat("uuid", UUID);
  ajv.addFormat("email", EMAIL);
  ajv.addFormat("ipv4", IPV4);
  ajv.addFormat("uri", { type: "string", validate: isUri });
}
