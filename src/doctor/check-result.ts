/**
 * What one `plexus doctor` check reports. Exit codes are the CLI's contract with scripts:
 * 0 all fine, 1 prerequisites (config, transport reachable), 2 publish/subscribe round trip,
 * 3 consumer group creation, 4 contracts.
 */
export const DoctorExitCode = {
  ok: 0,
  prerequisites: 1,
  roundTrip: 2,
  consumerGroup: 3,
  contracts: 4,
} as const;

export type DoctorExitCodeValue = (typeof DoctorExitCode)[keyof typeof DoctorExitCode];

/** The outcome of one check. */
export interface DoctorCheckResult {
  /** Short name shown in the report (`config`, `transport`, `ops health`, …). */
  name: string;
  /** False only for a failure; warnings and skips are ok. */
  ok: boolean;
  /** The check did not run (not applicable, or an earlier check it needs failed); `detail` says why. */
  skipped?: boolean;
  /** Passed with a caveat worth reading (e.g. no runtime answering on the ops port). */
  warning?: boolean;
  /** What was found, in one or a few lines. */
  detail: string;
  /** What to do about a failure or warning: a command or the config key to change. */
  fix?: string;
  /** The code this check contributes when it fails; 0 for checks that never fail. */
  exitCode: DoctorExitCodeValue;
}

/** A passing result. */
export function passed(name: string, detail: string, exitCode: DoctorExitCodeValue): DoctorCheckResult {
  return { name, ok: true, detail, exitCode };
}

/** A failing result; `fix` is mandatory because every failure must say what to do. */
export function failed(name: string, detail: string, fix: string, exitCode: DoctorExitCodeValue): DoctorCheckResult {
  return { name, ok: false, detail, fix, exitCode };
}

/** A check that did not run, with the reason in `detail`. */
export function skipped(name: string, detail: string, exitCode: DoctorExitCodeValue): DoctorCheckResult {
  return { name, ok: true, skipped: true, detail, exitCode };
}

/** A passing result with a caveat and what to do about it. */
export function warned(name: string, detail: string, fix: string, exitCode: DoctorExitCodeValue): DoctorCheckResult {
  return { name, ok: true, warning: true, detail, fix, exitCode };
}

/**
 * The process exit code for a set of results: the most fundamental failure wins (1 before 2
 * before 3 before 4), whatever order the checks ran in, so a script can branch on "is Redis even
 * there" without parsing text. 0 when nothing failed.
 */
export function doctorExitCode(results: readonly DoctorCheckResult[]): number {
  let code = 0;
  for (const result of results) {
    if (result.ok || result.exitCode === 0) continue;
    if (code === 0 || result.exitCode < code) code = result.exitCode;
  }
  return code;
}

/** Runs `work` with a deadline; rejects with `what` named when it passes. */
export async function withTimeout<T>(work: Promise<T>, timeoutMs: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not finish within ${timeoutMs} ms`)), timeoutMs);
  });
  try {
    return await Promise.race([work, deadline]);
  } finally {
    clearTimeout(timer);
  }
}
