import type { AnyActorDefinition } from "../runtime/define-actor.js";
import type { ResolvedConfig } from "../runtime/config/plexus-config.js";
import type { Logger } from "../common/logger.js";
import { checkConfig } from "./check-config.js";
import { checkConsumerGroup } from "./check-consumer-group.js";
import { checkContracts } from "./check-contracts.js";
import { checkOpsHealth } from "./check-ops-health.js";
import { checkRoundTrip, ROUND_TRIP_TIMEOUT_MS } from "./check-round-trip.js";
import { checkTransportReachable } from "./check-transport-reachable.js";
import { DoctorExitCode, doctorExitCode, skipped, type DoctorCheckResult } from "./check-result.js";

export type { DoctorCheckResult } from "./check-result.js";
export { DoctorExitCode } from "./check-result.js";
export { formatDoctorReport } from "./format-doctor-report.js";

/** What `plexus doctor` is run with. */
export interface DoctorOptions {
  /** The config file (`-c FILE`); default `config/plexus.yaml` under `cwd`. */
  configPath?: string;
  /** An already parsed config object instead of a file (embedders, tests). */
  config?: Record<string, unknown>;
  log: Logger;
  /** Actor kinds the config may name; default the built-in kinds. Plugin kinds must be passed here. */
  kinds?: ReadonlyMap<string, AnyActorDefinition>;
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** Round-trip deadline. Default 5,000 ms. */
  roundTripTimeoutMs?: number;
}

/** The results in the order they ran, and the process exit code. */
export interface DoctorReport {
  results: DoctorCheckResult[];
  exitCode: number;
}

/**
 * Runs the environment checks of `plexus doctor`, in order: config loads → transport reachable →
 * ops `/health` (warning only) → consumer group (redis) → publish/subscribe round trip → contracts
 * compile. A check whose prerequisite failed is reported as skipped with the reason, never run
 * against a known-broken environment (a round trip against an absent Redis would only repeat the
 * reachability failure after a 5 s wait). Contracts need only the config, so they run whenever it
 * loads. The exit code is the most fundamental failure: 1 (prerequisites) before 2 (round trip)
 * before 3 (consumer group) before 4 (contracts); 0 when nothing failed.
 */
export async function runDoctor(options: DoctorOptions): Promise<DoctorReport> {
  const label = options.configPath ?? "config/plexus.yaml";
  const source = options.config ?? label;
  const kinds = options.kinds ?? (await defaultKinds());
  const results: DoctorCheckResult[] = [];
  const { result, config } = await checkConfig({
    source,
    kinds,
    ...(options.env ? { env: options.env } : {}),
    ...(options.cwd ? { cwd: options.cwd } : {}),
  });
  results.push(result);
  if (config === undefined) {
    const why = "not run: the config did not load";
    results.push(
      skipped("transport", why, DoctorExitCode.prerequisites),
      skipped("ops health", why, 0),
      skipped("consumer group", why, DoctorExitCode.consumerGroup),
      skipped("round trip", why, DoctorExitCode.roundTrip),
      skipped("contracts", why, DoctorExitCode.contracts),
    );
    return finish(results, options.log);
  }
  const shownPath = config.source ?? label;
  const reachable = await checkTransportReachable(config.transport, shownPath);
  results.push(reachable);
  results.push(await checkOpsHealth(config.runtime.ops, shownPath));
  results.push(...(await transportChecks(config, reachable.ok, shownPath, options)));
  results.push(await checkContracts(config.contracts));
  return finish(results, options.log);
}

async function transportChecks(
  config: ResolvedConfig,
  reachable: boolean,
  shownPath: string,
  options: DoctorOptions,
): Promise<DoctorCheckResult[]> {
  if (!reachable) {
    const why = `not run: the ${config.transport.kind} transport is not reachable (see above)`;
    return [skipped("consumer group", why, DoctorExitCode.consumerGroup), skipped("round trip", why, DoctorExitCode.roundTrip)];
  }
  const group = await checkConsumerGroup(config.transport);
  const roundTrip = await checkRoundTrip(config, shownPath, options.log, options.roundTripTimeoutMs ?? ROUND_TRIP_TIMEOUT_MS);
  return [group, roundTrip];
}

function finish(results: DoctorCheckResult[], log: Logger): DoctorReport {
  const exitCode = doctorExitCode(results);
  for (const result of results) {
    if (!result.ok) log.debug({ check: result.name, detail: result.detail }, "doctor check failed");
  }
  return { results, exitCode };
}

/** The runtime's built-in kinds, imported lazily so the doctor module stays light to load. */
async function defaultKinds(): Promise<ReadonlyMap<string, AnyActorDefinition>> {
  const { builtinKinds } = await import("../actors/builtin-kinds.js");
  return new Map(builtinKinds.map((kind) => [kind.kind, kind]));
}
