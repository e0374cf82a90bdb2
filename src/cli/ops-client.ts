import { TextDecoder } from "node:util";
import type { Envelope } from "../transports/envelope.js";
import { CliError } from "./cli-error.js";
import { ExitCode } from "./exit-codes.js";
import { SseParser } from "./sse-parser.js";

/** A JSON response from the ops server. */
export interface OpsReply<T> {
  status: number;
  body: T;
}

/** How a subscription stream ended. */
export type StreamEnd = "aborted" | "server-closed";

/**
 * HTTP client of a running runtime's ops server (`/health`, `/actors`, `/publish`, `/subscribe`).
 * Every network failure becomes a CliError naming the URL and what to check.
 */
export class OpsClient {
  private readonly base: string;

  constructor(
    baseUrl: string,
    private readonly token?: string,
  ) {
    let parsed: URL;
    try {
      parsed = new URL(baseUrl);
    } catch {
      throw new CliError(`--url ${JSON.stringify(baseUrl)} is not a URL; expected e.g. http://127.0.0.1:8001`, ExitCode.usage);
    }
    this.base = parsed.href.replace(/\/+$/, "");
  }

  get url(): string {
    return this.base;
  }

  /** GET `path` as JSON, whatever the status (the caller decides what 503 means). */
  async getJson<T>(path: string, signal?: AbortSignal): Promise<OpsReply<T>> {
    const response = await this.fetch(path, { ...(signal ? { signal } : {}) });
    return { status: response.status, body: (await readJson(response, `GET ${path}`)) as T };
  }

  /** POST /publish; resolves with the envelope id. */
  async publish(topic: string, payload: unknown, headers?: Record<string, string>): Promise<string> {
    const body = JSON.stringify({ topic, payload, source: "cli", ...(headers && Object.keys(headers).length > 0 ? { headers } : {}) });
    const response = await this.fetch("/publish", {
      method: "POST",
      body,
      headers: { "content-type": "application/json", ...this.authorization() },
    });
    const reply = (await readJson(response, "POST /publish")) as { id?: string; error?: string };
    if (response.status === 202 && typeof reply.id === "string") return reply.id;
    if (response.status === 401) throw new CliError(`publish to ${topic} refused by ${this.base}: ${reply.error ?? "unauthorized"}`);
    throw new CliError(
      `publish to ${topic} failed (HTTP ${response.status}): ${reply.error ?? JSON.stringify(reply)}`,
      response.status === 400 || response.status === 413 ? ExitCode.dataError : ExitCode.failure,
    );
  }

  /**
   * GET /subscribe as Server-Sent Events. `onReady` runs once the server confirmed the
   * subscription; `onEnvelope` once per message. Resolves when `signal` aborts or the server ends
   * the stream.
   */
  async subscribe(
    pattern: string,
    options: { group?: string; signal: AbortSignal; onReady?: () => void },
    onEnvelope: (envelope: Envelope) => void,
  ): Promise<StreamEnd> {
    const query = new URLSearchParams({ pattern, ...(options.group ? { group: options.group } : {}) });
    let response: Response;
    try {
      response = await this.fetch(`/subscribe?${query.toString()}`, {
        signal: options.signal,
        headers: { accept: "text/event-stream", ...this.authorization() },
      });
    } catch (error) {
      if (options.signal.aborted) return "aborted";
      throw error;
    }
    if (response.status !== 200 || !response.body) {
      const reply = (await readJson(response, "GET /subscribe")) as { error?: string };
      throw new CliError(
        `subscribe to ${pattern} failed (HTTP ${response.status}): ${reply.error ?? JSON.stringify(reply)}`,
        response.status === 400 ? ExitCode.usage : ExitCode.failure,
      );
    }
    let ready = false;
    const parser = new SseParser(
      (event) => onEnvelope(JSON.parse(event.data) as Envelope),
      (comment) => {
        if (!ready && comment.startsWith("subscribed")) {
          ready = true;
          options.onReady?.();
        }
      },
    );
    const decoder = new TextDecoder();
    try {
      for await (const chunk of response.body) {
        parser.feed(decoder.decode(chunk as Uint8Array, { stream: true }));
        if (options.signal.aborted) return "aborted";
      }
    } catch (error) {
      if (options.signal.aborted) return "aborted";
      throw new CliError(`subscription stream from ${this.base} broke: ${(error as Error).message}`);
    }
    return options.signal.aborted ? "aborted" : "server-closed";
  }

  private authorization(): Record<string, string> {
    return this.token ? { authorization: `Bearer ${this.token}` } : {};
  }

  private async fetch(path: string, init: RequestInit): Promise<Response> {
    try {
      return await fetch(`${this.base}${path}`, init);
    } catch (error) {
      if (init.signal?.aborted) throw error;
      const cause = (error as { cause?: { code?: string; message?: string } }).cause;
      const why = cause?.code ?? cause?.message ?? (error as Error).message;
      throw new CliError(
        `cannot reach the plexus ops server at ${this.base} (${why}): is the runtime running? Pass --url http://HOST:PORT or -c FILE`,
      );
    }
  }
}

async function readJson(response: Response, what: string): Promise<unknown> {
  const text = await response.text();
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new CliError(
      `${what}: the server answered HTTP ${response.status} with non-JSON (${text.slice(0, 120)}); is --url pointing at a plexus ops server?`,
    );
  }
}
