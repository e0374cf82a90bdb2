import type { Clock, TimerHandle } from "../../common/clock.js";

interface Waiter {
  name: string;
  index: number;
  resolve: (index: number) => void;
  timer: TimerHandle;
}

/**
 * Long-poll support: waits until a service's change index differs from the one a client saw.
 * Changes made here wake waiters at once (`notify`); a store shared with other runtimes is also
 * polled every `pollMs` while someone waits, since their changes do not pass through here.
 */
export class IndexWatch {
  private readonly waiters = new Set<Waiter>();
  private poller: TimerHandle | undefined;

  constructor(
    private readonly read: (name: string) => Promise<number>,
    private readonly clock: Clock,
    private readonly pollMs: number | undefined,
  ) {}

  get waiting(): number {
    return this.waiters.size;
  }

  /** Resolves with the service's index once it differs from `index`, or after `timeoutMs` with the index then. */
  async wait(name: string, index: number, timeoutMs: number): Promise<number> {
    const current = await this.read(name);
    if (current !== index || timeoutMs <= 0) return current;
    return new Promise<number>((resolve) => {
      const waiter: Waiter = {
        name,
        index,
        resolve,
        timer: this.clock.setTimeout(() => {
          this.drop(waiter);
          void this.read(name).then(resolve, () => resolve(index));
        }, timeoutMs),
      };
      this.waiters.add(waiter);
      if (this.pollMs !== undefined && this.poller === undefined) this.poller = this.clock.setInterval(() => void this.poll(), this.pollMs);
    });
  }

  /** Wakes the waiters of `name` whose index is now stale. */
  notify(name: string): void {
    for (const waiter of this.waiters) if (waiter.name === name) void this.check(waiter);
  }

  /** Answers every waiter with its index unchanged (shutdown). */
  close(): void {
    for (const waiter of [...this.waiters]) {
      this.drop(waiter);
      waiter.resolve(waiter.index);
    }
  }

  private async poll(): Promise<void> {
    const names = new Set([...this.waiters].map((waiter) => waiter.name));
    for (const name of names) this.notify(name);
    await Promise.resolve();
  }

  private async check(waiter: Waiter): Promise<void> {
    let current: number;
    try {
      current = await this.read(waiter.name);
    } catch {
      return; // the store is unreachable: keep waiting; the timeout still answers
    }
    if (current === waiter.index || !this.waiters.has(waiter)) return;
    this.drop(waiter);
    waiter.resolve(current);
  }

  private drop(waiter: Waiter): void {
    this.waiters.delete(waiter);
    this.clock.clearTimeout(waiter.timer);
    if (this.waiters.size === 0 && this.poller !== undefined) {
      this.clock.clearInterval(this.poller);
      this.poller = undefined;
    }
  }
}
