import type { ServerResponse } from "node:http";
import type { Bus, Subscription } from "../../transports/bus/bus.js";
import type { Envelope } from "../../transports/envelope.js";
import type { Logger } from "../../common/logger.js";
import type { Metrics } from "../../common/metrics.js";

/** Bounds and timing of the `/subscribe` Server-Sent Events streams. */
export interface SseOptions {
  /** A comment line is sent this often so proxies and clients see the stream is alive. Default 15 s. */
  heartbeatMs: number;
  /**
   * Encoded events waiting for a slow client's socket. Beyond it the oldest is dropped (counted
   * in `plexus_ops_sse_dropped_total` and logged): a stalled browser tab must not grow the heap.
   */
  mailboxCapacity: number;
}

// Drop warnings are throttled per stream: one line per burst, with the running total.
const DROP_LOG_INTERVAL_MS = 5_000;

/**
 * One client of `GET /subscribe`: a bus subscription feeding a bounded queue drained into the HTTP
 * response as fast as the socket accepts. The bus handler never waits on the network, so a slow
 * client costs queue slots, never bus throughput.
 */
export class SseStream {
  private readonly queue: string[] = [];
  private blocked = false;
  private closed = false;
  private dropped = 0;
  private lastDropLog = 0;
  private heartbeat: NodeJS.Timeout | undefined;
  private subscription: Subscription | undefined;

  constructor(
    private readonly response: ServerResponse,
    private readonly pattern: string,
    private readonly options: SseOptions,
    private readonly metrics: Metrics,
    private readonly log: Logger,
    private readonly onClosed: (stream: SseStream) => void,
  ) {}

  /** Subscribes on `bus`; rejects (before any byte is sent) when the bus refuses the pattern. */
  async subscribe(bus: Bus, group: string | undefined, subscriber: string): Promise<void> {
    this.subscription = await bus.subscribe(this.pattern, (envelope) => this.enqueue(envelope), {
      subscriber,
      // A browser tab or `plexus sub` session must not leave a redis consumer group behind.
      ...(group ? { group } : { ephemeral: true }),
    });
  }

  /** Sends the headers and a first comment (so clients know the subscription is live), then streams. */
  open(): void {
    this.response.writeHead(200, {
      "content-type": "text/event-stream; charset=utf-8",
      "cache-control": "no-cache, no-transform",
      // nginx and similar proxies buffer responses unless told not to.
      "x-accel-buffering": "no",
    });
    this.response.on("close", () => void this.close());
    this.response.write(`: subscribed ${this.pattern}\n\n`);
    this.heartbeat = setInterval(() => {
      if (!this.blocked) this.response.write(": heartbeat\n\n");
    }, this.options.heartbeatMs);
    this.heartbeat.unref();
    this.metrics.gauge("ops_sse_streams", "open /subscribe streams").inc();
  }

  /** Ends the stream (server shutdown) and unsubscribes. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.heartbeat);
    if (this.heartbeat) this.metrics.gauge("ops_sse_streams", "open /subscribe streams").dec();
    if (!this.response.writableEnded) this.response.end();
    this.onClosed(this);
    try {
      await this.subscription?.unsubscribe();
    } catch (error) {
      this.log.warn({ err: error, pattern: this.pattern }, "unsubscribing a closed /subscribe stream failed");
    }
  }

  private enqueue(envelope: Envelope): void {
    if (this.closed) return;
    this.queue.push(`data: ${JSON.stringify(envelope)}\n\n`);
    if (this.queue.length > this.options.mailboxCapacity) {
      this.queue.shift();
      this.countDrop();
    }
    this.flush();
  }

  private flush(): void {
    while (!this.blocked && !this.closed && this.queue.length > 0) {
      const chunk = this.queue.shift()!;
      if (!this.response.write(chunk)) {
        this.blocked = true;
        this.response.once("drain", () => {
          this.blocked = false;
          this.flush();
        });
      }
    }
  }

  private countDrop(): void {
    this.dropped++;
    this.metrics
      .counter("ops_sse_dropped_total", "events dropped because a /subscribe client read too slowly", ["reason"])
      .inc({ reason: "drop-oldest" });
    const now = Date.now();
    if (now - this.lastDropLog >= DROP_LOG_INTERVAL_MS) {
      this.lastDropLog = now;
      this.log.warn(
        { pattern: this.pattern, dropped: this.dropped, capacity: this.options.mailboxCapacity },
        `/subscribe client for ${this.pattern} reads too slowly: dropped ${this.dropped} oldest events so far (raise the SSE mailbox capacity or read faster)`,
      );
    }
  }
}
