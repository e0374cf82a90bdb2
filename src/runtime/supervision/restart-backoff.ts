import type { BackoffSpec } from "./child-spec.js";

/**
 * Exponential restart backoff with jitter, Akka-style:
 *
 *   delay(n) = min(maxMs, minMs * 2^(n - 1)) * factor,  factor uniform in [1 - jitter, 1 + jitter]
 *
 * where `n` counts the consecutive failures of one child. The count resets when the child has run
 * `stableMs` without failing, so a child that crashes once a day always restarts after `minMs`,
 * while a crash loop backs off towards `maxMs`. The reset is evaluated lazily at the next failure
 * (no timer per child), which keeps 10,000 children cheap.
 */
export class RestartBackoff {
  private consecutiveFailures = 0;
  private runningSince: number | undefined;

  constructor(
    private readonly spec: BackoffSpec,
    private readonly stableMs: number,
    private readonly random: () => number = Math.random,
  ) {}

  /** Consecutive failures counted so far (0 after a stable run). */
  get consecutive(): number {
    return this.consecutiveFailures;
  }

  /** The child reached `running` at `now`. */
  markRunning(now: number): void {
    this.runningSince = now;
  }

  /**
   * The child failed at `now`: counts the failure and returns the delay before its restart.
   * A child that had been running for `stableMs` starts over from `minMs`.
   */
  nextDelay(now: number): number {
    if (this.runningSince !== undefined && now - this.runningSince >= this.stableMs) this.consecutiveFailures = 0;
    this.runningSince = undefined;
    this.consecutiveFailures += 1;
    return backoffDelay(this.spec, this.consecutiveFailures, this.random());
  }
}

/**
 * The delay before restart number `consecutive` (1-based), given a uniform random draw in [0, 1).
 * Pure so that its bounds can be tested exhaustively.
 */
export function backoffDelay(spec: BackoffSpec, consecutive: number, randomDraw: number): number {
  // minMs 0 means "no backoff" (and 0 * 2^n would be NaN once 2^n overflows to Infinity).
  if (spec.minMs <= 0 || spec.maxMs <= 0) return 0;
  // 2^(n-1) overflows to Infinity for huge n; min() keeps the result at maxMs.
  const exponential = Math.min(spec.maxMs, spec.minMs * 2 ** Math.max(0, consecutive - 1));
  const factor = 1 - spec.jitter + 2 * spec.jitter * randomDraw;
  return Math.max(0, Math.round(exponential * factor));
}
