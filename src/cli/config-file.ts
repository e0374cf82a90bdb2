import { existsSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parse } from "yaml";
import { interpolateEnv } from "../runtime/config/env-interpolation.js";
import { CliError } from "./cli-error.js";
import { ExitCode } from "./exit-codes.js";

/** Where `plexus` looks for its config when `-c` is not given, relative to the working directory. */
export const DEFAULT_CONFIG = join("config", "plexus.yaml");

/** Default ops URL when neither `--url` nor `-c` says otherwise (the config's default host/port). */
export const DEFAULT_OPS_URL = "http://127.0.0.1:8001";

/**
 * The config file to use: `-c FILE` resolved from `cwd`; else `config/plexus.yaml` in `cwd`; else
 * the one shipped with the package (so `npx plexus start` works on a fresh clone or install).
 * When none exists, the cwd path is returned so the loader's error names where it looked.
 */
export function resolveConfigPath(given: string | undefined, cwd: string): string {
  if (given !== undefined) return resolve(cwd, given);
  const local = resolve(cwd, DEFAULT_CONFIG);
  if (existsSync(local)) return local;
  const root = packageRoot();
  const shipped = root ? join(root, DEFAULT_CONFIG) : undefined;
  return shipped && existsSync(shipped) ? shipped : local;
}

/** The directory of plexus's own package.json, found upward from this file (src/ or dist/). */
export function packageRoot(): string | undefined {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const candidate = join(dir, "package.json");
    if (existsSync(candidate)) {
      try {
        if ((JSON.parse(readFileSync(candidate, "utf8")) as { name?: unknown }).name === "plexus") return dir;
      } catch {
        // an unreadable package.json further down is not ours; keep walking up
      }
    }
    const parent = dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

/** How to reach a runtime described by a config file, without validating the whole config. */
export interface ConfigEndpoint {
  file: string;
  /**
   * Ops server URL, from `runtime.ops.host` / `runtime.ops.port`. A function, because only the
   * commands that go through the ops server need one: it throws a usage error (exit 64) when the
   * config's port is 0 (ephemeral, known only to the running runtime).
   */
  opsUrl(): string;
  /** `runtime.ops.token`, when set. */
  token?: string;
  /** `transport.kind` (default `memory`). */
  transportKind: string;
}

/**
 * Reads just the keys the client commands need (`runtime.ops`, `transport.kind`). Deliberately
 * not the full loader: `status`/`pub`/`sub` must work with configs naming actor kinds from
 * plugins this CLI has not loaded.
 */
export function readConfigEndpoint(file: string, env: NodeJS.ProcessEnv): ConfigEndpoint {
  let document: unknown;
  try {
    document = parse(readFileSync(file, "utf8"));
  } catch (error) {
    throw new CliError(`cannot read config ${file}: ${(error as Error).message}`, ExitCode.config);
  }
  const runtime = objectAt(document, "runtime");
  const ops = objectAt(runtime, "ops");
  const transport = objectAt(document, "transport");
  const text = (value: unknown): string | undefined => {
    if (typeof value === "number") return String(value);
    if (typeof value !== "string") return undefined;
    try {
      return interpolateEnv(value, env);
    } catch (error) {
      throw new CliError(`config ${file}: ${(error as Error).message}`, ExitCode.config);
    }
  };
  const host = connectableHost(text(ops.host) ?? "127.0.0.1");
  const portText = text(ops.port) ?? "8001";
  const port = Number(portText);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new CliError(`config ${file}: runtime.ops.port ${JSON.stringify(portText)} is not a port number`, ExitCode.config);
  const opsUrl = (): string => {
    if (port === 0) {
      throw new CliError(
        `config ${file} uses an ephemeral ops port (runtime.ops.port: 0): the runtime logs the bound URL at start; pass it with --url`,
        ExitCode.usage,
      );
    }
    return `http://${host}:${port}`;
  };
  const token = text(ops.token);
  return { file, opsUrl, ...(token ? { token } : {}), transportKind: text(transport.kind) ?? "memory" };
}

/** A wildcard bind address is reached through loopback; IPv6 literals need brackets in URLs. */
function connectableHost(host: string): string {
  if (host === "0.0.0.0" || host === "") return "127.0.0.1";
  if (host === "::" || host === "[::]") return "[::1]";
  return host.includes(":") && !host.startsWith("[") ? `[${host}]` : host;
}

function objectAt(parent: unknown, key: string): Record<string, unknown> {
  if (typeof parent !== "object" || parent === null) return {};
  const value = (parent as Record<string, unknown>)[key];
  return typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

/** The version in plexus's own package.json, or "unknown". */
export function packageVersion(): string {
  const root = packageRoot();
  if (!root) return "unknown";
  try {
    return (JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as { version?: string }).version ?? "unknown";
  } catch {
    return "unknown";
  }
}
