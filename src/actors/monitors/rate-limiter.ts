/**
 * A token bucket: up to `perSecond` takes per second on average, bursts of at most `perSecond`.
 * Time comes from the caller, so a simulated clock drives it in tests.
 */
export class RateLimiter {
  private tokens: number;
  private refilledAt: number;

  constructor(
    private readonly perSecond: number,
    now: number,
  ) {
    if (!(perSecond > 0)) throw new RangeError(`rate limit must be above 0 per second, got ${perSecond}`);
    this.tokens = perSecond;
    this.refilledAt = now;
  }

  /** Takes one token if there is one at `now`. */
  tryTake(now: number): boolean {
    this.refill(now);
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }

  /** Milliseconds until a token is available at `now` (0 when one is). */
  waitMs(now: number): number {
    this.refill(now);
    return this.tokens >= 1 ? 0 : Math.ceil(((1 - this.tokens) / this.perSecond) * 1_000);
  }

  private refill(now: number): void {
    const elapsed = Math.max(0, now - this.refilledAt);
    this.tokens = Math.min(this.perSecond, this.tokens + (elapsed / 1_000) * this.perSecond);
    this.refilledAt = now;
  }
}
