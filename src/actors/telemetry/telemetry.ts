import { systemClock, type Clock, type TimerHandle } from "../../common/clock.js";
import { toError } from "../../common/errors.js";
import { fallbackLogger } from "../../common/fallback-logger.js";
import type { Logger } from "../../common/logger.js";
import { ThrottledLog } from "../../common/throttled-log.js";
import type { Bus } from "../../transports/bus/bus.js";
import { validateTopic } from "../../transports/topics.js";
import { encodeBatch, type TelemetryCompression } from "./batch-codec.js";
import { Spool, type SpooledBatch, type SpoolOverflow } from "./spool.js";

/** Options of {@link Telemetry}; every key has a default. */
export interface TelemetryOptions {
  /** A batch is closed once it holds this many samples. Default 100. */
  maxBatchSamples?: number;
  /** A batch is closed at most this long after its first sample. Default 50 ms. */
  maxBatchDelayMs?: number;
  /** Compression of batches whose JSON exceeds `compressAboveBytes`. Default `gzip`. */
  compression?: TelemetryCompression;
  /** Default 16,384 bytes. */
  compressAboveBytes?: number;
  /** Distinct topics with an open batch at once; a sample on one more topic is dropped (counted). Default 10,000. */
  maxTopics?: number;
  /** The queue of closed batches, which holds them while the transport is down. */
  spool?: {
    /** Batches held in memory. Default 1,000. */
    memoryBatches?: number;
    /** Directory for batches beyond memory (one file each); absent = memory only. */
    dir?: string;
    /** Batches held on disk. Default 10,000. */
    diskBatches?: number;
    /** Default `drop-oldest`. */
    overflow?: SpoolOverflow;
    /** How often a spool waiting for the transport checks it again. Default 100 ms. */
    retryMs?: number;
  };
  /** Timers of the time trigger and the spool retry; tests pass a simulated clock. */
  clock?: Clock;
  log?: Logger;
  /** Publisher name in `envelope.source`. */
  source?: string;
}

/** Counters of a {@link Telemetry}. */
export interface TelemetryStats {
  /** Samples given to `record`. */
  recorded: number;
  /** Samples in batches handed to the bus. */
  published: number;
  /** Batches handed to the bus; `compressedBatches` of them compressed. */
  batches: number;
  compressedBatches: number;
  /** Samples given up, by reason: `drop-oldest` / `drop-newest` (spool full), `too-many-topics`, `invalid-topic`, `publish-failed`. */
  dropped: Record<string, number>;
  /** Batches waiting in the spool, and how many of them are on disk. */
  spooled: number;
  spooledOnDisk: number;
  /** Samples in batches not closed yet. */
  open: number;
}

interface OpenBatch {
  samples: unknown[];
}

/**
 * The producer side of telemetry: `record(topic, sample)` adds a sample to the topic's open batch
 * and returns at once; a batch closes at `maxBatchSamples` or `maxBatchDelayMs`, goes through a
 * bounded spool (memory, then disk) and is published as one message, compressed when large.
 * While the transport is down batches wait in the spool and are replayed in order once it is
 * back; a full spool drops by its policy, counted and logged. Nothing `record` does waits on the
 * transport, does I/O or throws for a sample it gives up.
 */
export class Telemetry {
  private readonly maxBatchSamples: number;
  private readonly maxBatchDelayMs: number;
  private readonly compression: TelemetryCompression;
  private readonly compressAboveBytes: number;
  private readonly maxTopics: number;
  private readonly retryMs: number;
  private readonly clock: Clock;
  private readonly throttled: ThrottledLog;
  private readonly source: string | undefined;
  private readonly open = new Map<string, OpenBatch>();
  private readonly spool: Spool;
  private readonly counts = { recorded: 0, published: 0, batches: 0, compressedBatches: 0, open: 0 };
  private readonly dropped: Record<string, number> = {};
  private timer: TimerHandle | undefined;
  private retry: TimerHandle | undefined;
  private drainScheduled = false;
  private closed = false;

  constructor(
    private readonly bus: Bus,
    options: TelemetryOptions = {},
  ) {
    this.maxBatchSamples = positive(options.maxBatchSamples ?? 100, "maxBatchSamples");
    this.maxBatchDelayMs = positive(options.maxBatchDelayMs ?? 50, "maxBatchDelayMs");
    this.compression = options.compression ?? "gzip";
    this.compressAboveBytes = options.compressAboveBytes ?? 16_384;
    this.maxTopics = positive(options.maxTopics ?? 10_000, "maxTopics");
    this.retryMs = positive(options.spool?.retryMs ?? 100, "spool.retryMs");
    this.clock = options.clock ?? systemClock;
    this.throttled = new ThrottledLog(options.log ?? fallbackLogger());
    this.source = options.source;
    this.spool = new Spool({
      memoryBatches: positive(options.spool?.memoryBatches ?? 1_000, "spool.memoryBatches"),
      ...(options.spool?.dir === undefined ? {} : { dir: options.spool.dir }),
      diskBatches: options.spool?.diskBatches ?? 10_000,
      overflow: options.spool?.overflow ?? "drop-oldest",
      onDrop: (batch, reason) => this.drop(batch.topic, batch.samples.length, reason),
    });
    // Batches an earlier process left on disk go out as soon as the transport can take them.
    if (this.spool.length > 0) this.scheduleDrain();
  }

  /** Adds `sample` to the open batch of `topic`. Never waits, never throws for a dropped sample. */
  record(topic: string, sample: unknown): void {
    this.counts.recorded++;
    if (this.closed) {
      this.drop(topic, 1, "closed");
      return;
    }
    let batch = this.open.get(topic);
    if (batch === undefined) {
      try {
        validateTopic(topic);
      } catch {
        this.drop(topic, 1, "invalid-topic");
        return;
      }
      if (this.open.size >= this.maxTopics) {
        this.drop(topic, 1, "too-many-topics");
        return;
      }
      batch = { samples: [] };
      this.open.set(topic, batch);
    }
    batch.samples.push(sample);
    this.counts.open++;
    if (batch.samples.length >= this.maxBatchSamples) this.closeBatch(topic, batch);
    else if (this.timer === undefined) this.timer = this.clock.setTimeout(this.onTimer, this.maxBatchDelayMs);
  }

  /** Closes every open batch now and publishes what the transport can take. */
  flush(): void {
    for (const [topic, batch] of this.open) this.closeBatch(topic, batch);
    this.drain();
  }

  /**
   * Flushes, then stops the timers. Batches the transport cannot take stay in the spool: on disk
   * they survive for the next process; in memory they are counted as dropped (`closed`).
   */
  close(): void {
    if (this.closed) return;
    this.flush();
    this.closed = true;
    if (this.timer !== undefined) this.clock.clearTimeout(this.timer);
    if (this.retry !== undefined) this.clock.clearInterval(this.retry);
    this.timer = undefined;
    this.retry = undefined;
    while (this.spool.length > this.spool.onDisk) {
      const batch = this.spool.shift() as SpooledBatch;
      this.drop(batch.topic, batch.samples.length, "closed");
    }
  }

  stats(): TelemetryStats {
    return {
      recorded: this.counts.recorded,
      published: this.counts.published,
      batches: this.counts.batches,
      compressedBatches: this.counts.compressedBatches,
      dropped: { ...this.dropped },
      spooled: this.spool.length,
      spooledOnDisk: this.spool.onDisk,
      open: this.counts.open,
    };
  }

  private readonly onTimer = (): void => {
    this.timer = undefined;
    for (const [topic, batch] of this.open) this.closeBatch(topic, batch);
  };

  private closeBatch(topic: string, batch: OpenBatch): void {
    this.open.delete(topic);
    this.counts.open -= batch.samples.length;
    this.spool.push({ topic, samples: batch.samples });
    this.scheduleDrain();
  }

  private scheduleDrain(): void {
    if (this.drainScheduled || this.closed) return;
    this.drainScheduled = true;
    // Off the recording call: record() must stay a push and a length check.
    setImmediate(() => {
      this.drainScheduled = false;
      this.drain();
    });
  }

  /** Publishes spooled batches oldest first while the transport is connected; else waits and retries. */
  private drain(): void {
    if (this.spool.length === 0) return;
    if (!this.connected()) {
      this.retry ??= this.clock.setInterval(this.onRetry, this.retryMs);
      return;
    }
    let batch: SpooledBatch | undefined;
    while ((batch = this.spool.shift()) !== undefined) this.publish(batch);
    if (this.retry !== undefined) {
      this.clock.clearInterval(this.retry);
      this.retry = undefined;
    }
  }

  private readonly onRetry = (): void => {
    if (this.connected()) this.drain();
  };

  private connected(): boolean {
    return this.bus.stats().transport.connected;
  }

  private publish(batch: SpooledBatch): void {
    let encoded;
    try {
      encoded = encodeBatch(batch.samples, this.compression, this.compressAboveBytes);
    } catch (error) {
      this.drop(batch.topic, batch.samples.length, "not-serializable", error);
      return;
    }
    this.counts.batches++;
    if (encoded.compressed) this.counts.compressedBatches++;
    this.counts.published += batch.samples.length;
    const options = this.source === undefined ? { headers: encoded.headers } : { headers: encoded.headers, source: this.source };
    this.bus.publish(batch.topic, encoded.payload, options).catch((error: unknown) => {
      this.counts.published -= batch.samples.length;
      this.drop(batch.topic, batch.samples.length, "publish-failed", error);
    });
  }

  private drop(topic: string, samples: number, reason: string, error?: unknown): void {
    this.dropped[reason] = (this.dropped[reason] ?? 0) + samples;
    this.throttled.warn(
      `telemetry:${reason}`,
      { topic, samples, reason, droppedSoFar: this.dropped[reason], ...(error === undefined ? {} : { err: toError(error) }) },
      "telemetry samples dropped",
    );
  }
}

function positive(value: number, name: string): number {
  if (!(Number.isFinite(value) && value > 0)) throw new RangeError(`telemetry option ${name} must be a positive number, got ${value}`);
  return value;
}
