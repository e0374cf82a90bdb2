/**
 * The OTP restart-intensity window: at most `intensity` restarts within any `periodMs`.
 *
 * Timestamps of past restarts are kept in arrival order; the ones older than the period fall out
 * at the front. A head index instead of `shift()` keeps each check O(1) amortised, and the array
 * is compacted once its dead prefix grows, so memory is bounded by `intensity` live entries.
 */
export class RestartIntensity {
  private readonly timestamps: number[] = [];
  private head = 0;

  constructor(
    readonly intensity: number,
    readonly periodMs: number,
  ) {}

  /** Restarts counted within the period that ends at `now`. */
  recent(now: number): number {
    this.prune(now);
    return this.timestamps.length - this.head;
  }

  /** True when one more restart at `now` would exceed the intensity. */
  wouldExceed(now: number): boolean {
    return this.recent(now) + 1 > this.intensity;
  }

  /** Counts a restart made at `now`. */
  record(now: number): void {
    this.prune(now);
    this.timestamps.push(now);
  }

  private prune(now: number): void {
    const oldestKept = now - this.periodMs;
    while (this.head < this.timestamps.length && (this.timestamps[this.head] ?? now) <= oldestKept) this.head += 1;
    if (this.head > 64 && this.head * 2 > this.timestamps.length) {
      this.timestamps.splice(0, this.head);
      this.head = 0;
    }
  }
}
