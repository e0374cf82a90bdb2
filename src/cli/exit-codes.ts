/**
 * Exit codes of the `plexus` command. The sysexits.h values let service managers and scripts
 * tell a bad config (78, do not restart) from a runtime that died (70, restart may help).
 */
export const ExitCode = {
  ok: 0,
  /** A check failed, a server was unreachable, a --count was not reached. */
  failure: 1,
  /** `status`: the runtime answered but is not healthy. */
  unhealthy: 2,
  /** Bad command-line usage (EX_USAGE). */
  usage: 64,
  /** Bad input data, e.g. a payload that is not JSON (EX_DATAERR). */
  dataError: 65,
  /** The root supervisor failed, or the runtime could not start (EX_SOFTWARE). */
  runtimeFailed: 70,
  /**
   * `pub`: messages were accepted (their ids printed) but not delivered before `--timeout`,
   * because the transport stayed unreachable (EX_TEMPFAIL: trying again later may work).
   */
  undelivered: 75,
  /** The config is invalid (EX_CONFIG). */
  config: 78,
  /** Interrupted by a second signal while stopping (128 + SIGINT). */
  interrupted: 130,
} as const;

export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode];

/**
 * Codes of errors that only a change to the configuration can fix (the config file, the contract
 * files it names, the endpoints it gives): `plexus start` exits 78 on them, so that a service
 * manager told `RestartPreventExitStatus=78` does not restart into the same failure.
 */
const CONFIGURATION_ERROR_CODES: ReadonlySet<string> = new Set([
  "CONFIG_INVALID",
  "CONTRACT_INVALID",
  "OPS_TOKEN_REQUIRED",
  "OPS_HOST_INVALID",
  "ZMQ_ENDPOINT_INVALID",
]);

/** The exit code of a runtime that could not start: 78 for a configuration error, else 70. */
export function startFailureExitCode(error: unknown): ExitCodeValue {
  // An actor that finds its own configuration unusable at start (a malformed lifecycle file) fails
  // its supervisor with it as the cause: follow the causes down.
  for (let cause = error, depth = 0; typeof cause === "object" && cause !== null && depth < 10; depth++) {
    const code = (cause as { code?: unknown }).code;
    if (typeof code === "string" && CONFIGURATION_ERROR_CODES.has(code)) return ExitCode.config;
    cause = (cause as { cause?: unknown }).cause;
  }
  return ExitCode.runtimeFailed;
}
