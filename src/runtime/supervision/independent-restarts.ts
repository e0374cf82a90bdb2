import { setMaxListeners } from "node:events";

/**
 * The restarts a supervisor lets run on their own (one_for_one children: each waits its backoff
 * and starts while the supervisor handles other operations). Ending them is one step of the
 * supervisor's stop or escalation: `end()` aborts their signal, so none starts a child after it,
 * and `settled()` waits for those already starting.
 */
export class IndependentRestarts {
  private readonly lifetime = new AbortController();
  private readonly running = new Set<Promise<void>>();

  constructor() {
    // One listener per restart waiting its backoff: hundreds at once are expected, not a leak.
    setMaxListeners(0, this.lifetime.signal);
  }

  /** Aborted once the supervisor stops or escalates. */
  get signal(): AbortSignal {
    return this.lifetime.signal;
  }

  /** Runs `restart` alongside the others; `onError` hears of a throw it did not handle. */
  run(restart: (signal: AbortSignal) => Promise<void>, onError: (error: unknown) => void): void {
    const task = restart(this.lifetime.signal).catch(onError);
    this.running.add(task);
    void task.finally(() => this.running.delete(task));
  }

  /** No restart may start a child from now on. */
  end(): void {
    this.lifetime.abort();
  }

  /** Resolves once every restart still running has returned. */
  async settled(): Promise<void> {
    await Promise.allSettled(this.running);
  }
}
