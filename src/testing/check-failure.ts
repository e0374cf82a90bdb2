/**
 * Thrown by `checkActorLifecycle` and `checkMachine`. The message holds everything needed to
 * understand and replay the failure: what broke, the shrunk sequence that led there, the error
 * the code under test raised, and the seed and path that replay it (`{ seed, path }` options).
 */
export class CheckFailure extends Error {
  /** Seed of the failing check; pass it back with `path` to replay the shrunk case at once. */
  readonly seed: number;
  /** fast-check's path to the shrunk counterexample. */
  readonly path: string | undefined;

  constructor(message: string, options: { seed: number; path?: string; cause?: unknown }) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = "CheckFailure";
    this.seed = options.seed;
    this.path = options.path;
  }
}

/** The parts of fast-check's `RunDetails` a failure report needs. */
export interface RunOutcome {
  failed: boolean;
  interrupted: boolean;
  counterexample: unknown;
  counterexamplePath: string | null;
  errorInstance: unknown;
  seed: number;
  numRuns: number;
  numShrinks: number;
}

/**
 * Turns fast-check's report of a failed check into a CheckFailure whose message starts with
 * `title` and the failing run's own message; undefined when the check passed.
 */
export function failureFromRunDetails(title: string, details: RunOutcome): CheckFailure | undefined {
  if (!details.failed) return undefined;
  const replay = `replay with { seed: ${details.seed}${details.counterexamplePath ? `, path: "${details.counterexamplePath}"` : ""} }`;
  if (details.counterexample === null) {
    const why = details.interrupted ? "was interrupted (timeout)" : "skipped too many runs whose preconditions failed";
    return new CheckFailure(`${title}: the check ${why} after ${details.numRuns} runs; ${replay}`, { seed: details.seed });
  }
  const error = details.errorInstance;
  const reason = error instanceof Error ? error.message : String(error);
  return new CheckFailure(`${title}: ${reason}\n  (run ${details.numRuns} failed; shrunk ${details.numShrinks} times; ${replay})`, {
    seed: details.seed,
    ...(details.counterexamplePath ? { path: details.counterexamplePath } : {}),
    cause: error,
  });
}
