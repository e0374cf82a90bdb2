import { createLogger, type Logger } from "./logger.js";

let fallback: Logger | undefined;

/**
 * The logger of a MessageBus or transport built by hand without one: warnings and errors as JSON
 * lines on stderr (`PLEXUS_LOG_LEVEL` sets another level). Not silent, because drops and failing
 * handlers must be seen somewhere; not `info`, because an embedder who passed no logger did not
 * ask for connection chatter. One instance per process.
 */
export function fallbackLogger(): Logger {
  fallback ??= createLogger({ name: "plexus", level: process.env.PLEXUS_LOG_LEVEL ?? "warn" });
  return fallback;
}
