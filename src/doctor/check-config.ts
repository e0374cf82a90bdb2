import type { AnyActorDefinition } from "../runtime/define-actor.js";
import { loadConfig } from "../runtime/config/load-config.js";
import type { ResolvedConfig } from "../runtime/config/plexus-config.js";
import { toError } from "../common/errors.js";
import { DoctorExitCode, failed, passed, type DoctorCheckResult } from "./check-result.js";

const NAME = "config";

/** Where the config comes from and what the loader needs to validate `kind:` options. */
export interface ConfigCheckOptions {
  /** A config file, or an already parsed config object (embedders, tests). */
  source: string | Record<string, unknown>;
  kinds: ReadonlyMap<string, AnyActorDefinition>;
  env?: NodeJS.ProcessEnv;
  cwd?: string;
}

/**
 * Check 1: the config loads. On failure the detail is the loader's whole ConfigError text (every
 * problem with file:line and key path), since that already says where and what.
 */
export async function checkConfig(options: ConfigCheckOptions): Promise<{ result: DoctorCheckResult; config?: ResolvedConfig }> {
  const label = typeof options.source === "string" ? options.source : "(config object)";
  try {
    const config = await loadConfig(options.source, {
      kinds: options.kinds,
      ...(options.env ? { env: options.env } : {}),
      ...(options.cwd ? { cwd: options.cwd } : {}),
    });
    const where = config.source ?? label;
    const result = passed(
      NAME,
      `${where} loads (transport ${config.transport.kind}, ${config.children.length} top-level children)`,
      DoctorExitCode.prerequisites,
    );
    return { result, config };
  } catch (error) {
    const fix = `fix the problems listed above in ${label}, then run plexus validate -c ${label}`;
    return { result: failed(NAME, toError(error).message, fix, DoctorExitCode.prerequisites) };
  }
}
