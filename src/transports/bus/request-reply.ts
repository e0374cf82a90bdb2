import { randomBytes } from "node:crypto";
import { PlexusError } from "../../common/errors.js";
import { newEnvelopeId, type Envelope } from "../envelope.js";

/** Header naming the topic a reply goes to. */
export const REPLY_TO_HEADER = "replyTo";
/** Header tying a reply to its request. */
export const CORRELATION_HEADER = "correlationId";
/** Header of a reply whose handler failed: the error message. */
export const REPLY_ERROR_HEADER = "error";

interface PendingRequest {
  topic: string;
  resolve(value: unknown): void;
  reject(error: unknown): void;
  timer: NodeJS.Timeout;
}

/**
 * The requester side of request/reply. Every bus owns one inbox, `_inbox.<busId>.>`, subscribed
 * once on first use; each request gets `replyTo = _inbox.<busId>.<correlationId>` so replies reach
 * this bus even across processes, and the correlation id finds the waiting caller.
 */
export class PendingRequests {
  readonly busId = randomBytes(6).toString("hex");
  private readonly pending = new Map<string, PendingRequest>();
  /** Replies that arrived after their request timed out (or were never asked for). */
  lateReplies = 0;

  get inboxPattern(): string {
    return `_inbox.${this.busId}.>`;
  }

  get size(): number {
    return this.pending.size;
  }

  /** Registers a request; the promise settles with the reply payload or a REQUEST_TIMEOUT error. */
  open<R>(topic: string, timeoutMs: number): { correlationId: string; replyTo: string; reply: Promise<R> } {
    const correlationId = newEnvelopeId();
    const replyTo = `_inbox.${this.busId}.${correlationId}`;
    const reply = new Promise<R>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(correlationId);
        reject(
          new PlexusError(
            "REQUEST_TIMEOUT",
            `No reply to the request on "${topic}" within ${timeoutMs} ms; check that a subscriber handles "${topic}" and returns (or resolves) a value, or raise timeoutMs.`,
          ),
        );
      }, timeoutMs);
      this.pending.set(correlationId, { topic, resolve: resolve as (value: unknown) => void, reject, timer });
    });
    return { correlationId, replyTo, reply };
  }

  /** Fails a request before it was answered (its publish was refused). */
  fail(correlationId: string, error: unknown): void {
    const request = this.pending.get(correlationId);
    if (request === undefined) return;
    clearTimeout(request.timer);
    this.pending.delete(correlationId);
    request.reject(error);
  }

  /** Inbox handler: settles the request a reply belongs to. */
  settle(reply: Envelope): void {
    const correlationId = reply.headers?.[CORRELATION_HEADER];
    const request = correlationId === undefined ? undefined : this.pending.get(correlationId);
    if (request === undefined || correlationId === undefined) {
      this.lateReplies++;
      return;
    }
    clearTimeout(request.timer);
    this.pending.delete(correlationId);
    const failure = reply.headers?.[REPLY_ERROR_HEADER];
    if (failure !== undefined) {
      request.reject(new PlexusError("REQUEST_FAILED", `The handler of "${request.topic}" failed: ${failure}`));
    } else {
      request.resolve(reply.payload);
    }
  }

  /** Rejects every waiting request (the bus is closing). */
  rejectAll(error: unknown): void {
    for (const [id, request] of this.pending) {
      clearTimeout(request.timer);
      this.pending.delete(id);
      request.reject(error);
    }
  }
}
