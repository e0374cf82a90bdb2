/**
 * Base class of every error plexus raises on purpose. `code` is stable and machine-readable;
 * `retryable: false` tells supervisors to escalate at once instead of burning the restart budget.
 */
export class PlexusError extends Error {
  readonly code: string;
  readonly retryable: boolean;
  constructor(code: string, message: string, options: { retryable?: boolean; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.retryable = options.retryable ?? true;
  }
}

/** An error that must not be retried: a config error, an endpoint owned by another process, … */
export class NonRetryableError extends PlexusError {
  constructor(message: string, options: { code?: string; cause?: unknown } = {}) {
    super(options.code ?? "NON_RETRYABLE", message, { retryable: false, cause: options.cause });
  }
}

/** True when a supervisor must escalate `error` instead of restarting the child. */
export function isNonRetryable(error: unknown): boolean {
  return typeof error === "object" && error !== null && (error as { retryable?: unknown }).retryable === false;
}

/** Turns anything thrown into an Error without losing its message. */
export function toError(thrown: unknown): Error {
  if (thrown instanceof Error) return thrown;
  return new Error(typeof thrown === "string" ? thrown : JSON.stringify(thrown));
}
