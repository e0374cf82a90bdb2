/**
 * Keeps steps in the order they were queued although each waits for its own asynchronous input
 * (a blob being stored or fetched): a step runs once its input settled and every earlier step
 * has run. A step's own result (a handler still running) does not hold up the next step. While
 * nothing is queued, callers take their synchronous path and pay nothing.
 */
export class OrderedChain {
  private tail: Promise<void> | undefined;
  private queued = 0;

  /** True while a queued step has not run yet: later work must queue behind it. */
  get busy(): boolean {
    return this.queued > 0;
  }

  /**
   * Runs `step(value)` once `input` resolved and the earlier steps ran, or `failed(error)` when
   * `input` rejected; the promise settles with what the step (or `failed`) returns.
   */
  after<T, R>(input: Promise<T>, step: (value: T) => R | Promise<R>, failed: (error: unknown) => R | Promise<R>): Promise<R> {
    this.queued++;
    let ran!: () => void;
    const turn = new Promise<void>((resolve) => {
      ran = resolve;
    });
    const previous = this.tail ?? Promise.resolve();
    this.tail = turn;
    void turn.then(() => {
      this.queued--;
      if (this.queued === 0 && this.tail === turn) this.tail = undefined;
    });
    // `input` may reject before its turn comes: mark it handled now, deal with it in order.
    input.catch(() => undefined);
    return previous
      .then(() => input)
      .then(
        (value) => {
          ran();
          return step(value);
        },
        (error: unknown) => {
          ran();
          return failed(error);
        },
      );
  }
}
