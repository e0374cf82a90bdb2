import type { Logger } from "./logger.js";

/**
 * Logs repeated events (drops, handler failures) without flooding: the first occurrence of a key
 * is logged at once, later ones are summed and logged at most once per `intervalMs` with the count
 * since the previous line. Counters elsewhere keep the exact totals; this only shapes the log.
 */
export class ThrottledLog {
  private readonly last = new Map<string, { at: number; suppressed: number }>();

  constructor(
    private readonly log: Logger,
    private readonly intervalMs = 1_000,
    /** Keys remembered at most (distinct topics can be many); the oldest is forgotten first. */
    private readonly maxKeys = 1_000,
  ) {}

  warn(key: string, fields: Record<string, unknown>, message: string): void {
    this.write("warn", key, fields, message);
  }

  error(key: string, fields: Record<string, unknown>, message: string): void {
    this.write("error", key, fields, message);
  }

  private write(level: "warn" | "error", key: string, fields: Record<string, unknown>, message: string): void {
    const now = Date.now();
    const entry = this.last.get(key);
    if (entry !== undefined && now - entry.at < this.intervalMs) {
      entry.suppressed++;
      return;
    }
    const occurrences = (entry?.suppressed ?? 0) + 1;
    if (entry === undefined && this.last.size >= this.maxKeys) {
      const oldest = this.last.keys().next();
      if (oldest.done !== true) this.last.delete(oldest.value);
    }
    this.last.set(key, { at: now, suppressed: 0 });
    this.log[level]({ ...fields, occurrences }, message);
  }
}
