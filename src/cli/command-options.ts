import { InvalidArgumentError, type Command } from "commander";
import { DEFAULT_OPS_URL } from "./config-file.js";

/** `--url` and `-c`: how a client command finds a running runtime's ops server. */
export function opsServerOptions(command: Command): Command {
  return command
    .option("--url <url>", `ops server of the runtime (default: the -c config's runtime.ops, else ${DEFAULT_OPS_URL})`)
    .option("-c, --config <file>", "find the ops server from this config's runtime.ops host and port");
}

/** Commander parser for a positive integer option (`--count`). */
export function positiveInteger(value: string): number {
  const number = Number(value);
  if (!Number.isInteger(number) || number < 1) throw new InvalidArgumentError(`expected a whole number of 1 or more, got "${value}"`);
  return number;
}

/** Commander parser for a duration in seconds (`--timeout 2.5`). */
export function positiveSeconds(value: string): number {
  const number = Number(value);
  if (!Number.isFinite(number) || number <= 0) throw new InvalidArgumentError(`expected seconds greater than 0, got "${value}"`);
  return number;
}

/** Commander collector for repeatable `--header key=value`. */
export function collectHeader(value: string, previous: Record<string, string> = {}): Record<string, string> {
  const equals = value.indexOf("=");
  if (equals <= 0) throw new InvalidArgumentError(`expected key=value, got "${value}"`);
  return { ...previous, [value.slice(0, equals)]: value.slice(equals + 1) };
}
