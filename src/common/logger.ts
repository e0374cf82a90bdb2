import { pino, type Logger, type LoggerOptions } from "pino";

export type { Logger };

/**
 * The runtime logger: JSON lines by default, pretty when stderr is a TTY (or PLEXUS_LOG_PRETTY=1).
 * Logs go to stderr so that `plexus sub` can keep stdout for envelopes.
 */
export function createLogger(
  options: { level?: string; name?: string; pretty?: boolean; destination?: NodeJS.WritableStream } = {},
): Logger {
  const level = options.level ?? process.env.PLEXUS_LOG_LEVEL ?? "info";
  const pretty =
    options.pretty ?? (process.env.PLEXUS_LOG_PRETTY === "1" || (process.stderr.isTTY === true && process.env.PLEXUS_LOG_PRETTY !== "0"));
  const base: LoggerOptions = { level, ...(options.name ? { name: options.name } : {}) };
  if (options.destination) return pino(base, options.destination as unknown as pino.DestinationStream);
  if (pretty) {
    return pino({
      ...base,
      transport: { target: "pino-pretty", options: { destination: 2, colorize: true, translateTime: "HH:MM:ss.l" } },
    });
  }
  return pino(base, pino.destination({ dest: 2, sync: true }));
}

/** A logger that discards everything (tests, benchmarks). */
export function silentLogger(): Logger {
  return pino({ level: "silent" });
}
