import { pino, type Logger as PinoLogger, type LoggerOptions } from "pino";

/**
 * One log level's function, in pino's two call shapes: fields then an optional message, or a
 * message alone. `err` in the fields is serialised as an error by pino.
 */
export interface LogFn {
  (fields: object, message?: string): void;
  (message: string): void;
}

/**
 * What plexus needs from a logger, and nothing more: a pino logger and a fastify logger
 * (`app.log`, `FastifyBaseLogger`) both satisfy it, so an embedding service can hand plexus the
 * logger it already has. `level` is read-only here: plexus changes the level only of a logger it
 * created itself.
 */
export interface Logger {
  /** The current level name (`info`, `debug`, ..., `silent`). */
  readonly level: string;
  trace: LogFn;
  debug: LogFn;
  info: LogFn;
  warn: LogFn;
  error: LogFn;
  fatal: LogFn;
  /** A logger that adds `bindings` to every line. */
  child(bindings: Record<string, unknown>): Logger;
}

/**
 * The runtime logger: JSON lines by default, pretty when stderr is a TTY (or PLEXUS_LOG_PRETTY=1).
 * Logs go to stderr so that `plexus sub` can keep stdout for envelopes. Returns the pino logger
 * itself, so that its creator may change its level.
 */
export function createLogger(
  options: { level?: string; name?: string; pretty?: boolean; destination?: NodeJS.WritableStream } = {},
): PinoLogger {
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
