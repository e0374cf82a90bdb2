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
