/** What to do with a file whose analysis just failed. */
export type RetryDecision =
  | { action: "retry"; attempt: number; delayMs: number }
  /** Given up: the file is reported as failed and not retried until its content changes. */
  | { action: "report"; attempts: number };

/**
 * Decides after the `attempt`-th failure of one file's analysis: retry after a doubling delay
 * (`baseDelayMs`, then twice that, …) until `maxAttempts` failures, then report. Pure.
 */
export function decideRetry(attempt: number, maxAttempts: number, baseDelayMs: number): RetryDecision {
  if (attempt >= maxAttempts) return { action: "report", attempts: attempt };
  return { action: "retry", attempt, delayMs: baseDelayMs * 2 ** (attempt - 1) };
}

/** A file given up on, as `plexus scan` and `/health` list it. */
export interface FailedFile {
  path: string;
  attempts: number;
  /** The last failure's message. */
  reason: string;
}

interface Failures {
  hash: string;
  attempts: number;
  reason: string;
}

/**
 * Failures per file, counted per content: a new version of a file starts again at zero, so a fix
 * is analysed at once, while the same broken content is given up on after `maxAttempts`.
 */
export class FailureTracker {
  private readonly failures = new Map<string, Failures>();

  constructor(
    private readonly maxAttempts: number,
    private readonly baseDelayMs: number,
  ) {}

  /** Records a failure of `path` at content `hash` and decides what happens next. */
  record(path: string, hash: string, reason: string): RetryDecision {
    const previous = this.failures.get(path);
    const attempts = previous?.hash === hash ? previous.attempts + 1 : 1;
    this.failures.set(path, { hash, attempts, reason });
    return decideRetry(attempts, this.maxAttempts, this.baseDelayMs);
  }

  /** Whether `path` at content `hash` has been given up on (analysing it again would fail again). */
  isGivenUp(path: string, hash: string): boolean {
    const failures = this.failures.get(path);
    return failures !== undefined && failures.hash === hash && failures.attempts >= this.maxAttempts;
  }

  /** Forgets `path` (analysed successfully, or deleted). */
  clear(path: string): void {
    this.failures.delete(path);
  }

  /** The files given up on. */
  givenUp(): FailedFile[] {
    return [...this.failures]
      .filter(([, failures]) => failures.attempts >= this.maxAttempts)
      .map(([path, failures]) => ({ path, attempts: failures.attempts, reason: failures.reason }));
  }
}
