import type { PlexusErrorCode } from "./error-codes.js";

/**
 * Base class of every error plexus raises on purpose. `code` is stable and machine-readable (one
 * of {@link PlexusErrorCode}); `retryable: false` tells supervisors to escalate at once instead of
 * burning the restart budget.
 */
export class PlexusError extends Error {
  /** What went wrong, as a stable code to switch on; the message says where and what to do. */
  readonly code: PlexusErrorCode;
  /** False when restarting cannot help (a config mistake, a port another process owns, …). */
  readonly retryable: boolean;
  /**
   * @param code - one of {@link PlexusErrorCode}
   * @param message - what failed, where, and what to do about it
   * @param options - `retryable` (default true) and the underlying `cause`
   */
  constructor(code: PlexusErrorCode, message: string, options: { retryable?: boolean; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.retryable = options.retryable ?? true;
  }
}

/**
 * An error that must not be retried: a config error, an endpoint owned by another process, … Throw
 * it from an actor to make its supervisor escalate at once instead of restarting it.
 */
export class NonRetryableError extends PlexusError {
  /**
   * @param message - what failed, where, and what to do about it
   * @param options - `code` (default `NON_RETRYABLE`) and the underlying `cause`
   */
  constructor(message: string, options: { code?: PlexusErrorCode; cause?: unknown } = {}) {
    super(options.code ?? "NON_RETRYABLE", message, { retryable: false, cause: options.cause });
  }
}

/** True when a supervisor must escalate `error` instead of restarting the child (any error with `retryable: false`). */
export function isNonRetryable(error: unknown): boolean {
  return typeof error === "object" && error !== null && (error as { retryable?: unknown }).retryable === false;
}

/** Turns anything thrown into an Error without losing its message. */
export function toError(thrown: unknown): Error {
  if (thrown instanceof Error) return thrown;
  return new Error(typeof thrown === "string" ? thrown : JSON.stringify(thrown));
}
