import { randomBytes } from "node:crypto";
import { hostname } from "node:os";
import type { Redis } from "ioredis";
import { DEFAULT_MAX_LEN_HARD, DEFAULT_PUBLISH_WINDOW, type ResolvedRedisTransportConfig } from "../transport-config.js";
import { NonRetryableError, PlexusError, toError } from "../../common/errors.js";
import type { Logger } from "../../common/logger.js";
import type { Envelope } from "../envelope.js";
import { encodeEntries } from "./codec.js";
import { DEFAULT_CONNECTION_OPTIONS, openRedisConnection, withTimeout, type RedisConnectionOptions } from "./connection.js";
import { redactUrl } from "../../common/redact-url.js";
import { ThrottledLog } from "../../common/throttled-log.js";
import { RedisGroupConsumer } from "./consumer.js";
import { DeadLetterWriter } from "./dead-letter-writer.js";
import { addGroupCounters, emptyGroupCounters, type GroupCounters } from "./group-counters.js";
import { consumerName, RedisStreamLayout } from "./stream-layout.js";
import { StreamTrimmer } from "./stream-trimmer.js";
import { TrimGuard } from "./trim-guard.js";
import { validatePattern } from "../topics.js";
import { describeRefusal, type Refusal } from "../unencodable.js";
import type {
  Delivery,
  Transport,
  TransportEvents,
  TransportGuarantees,
  TransportSubscription,
  TransportSubscriptionSpec,
} from "../transport.js";
import type { RedisGroupStats, RedisTransportStats } from "../transport-stats.js";

/** Timings and limits that are not config keys; defaults suit production, tests shorten them. */
export interface RedisTransportTuning extends RedisConnectionOptions {
  /** How often each subscription runs XAUTOCLAIM. Default claimIdleMs / 2, within 100..5000. */
  reclaimIntervalMs?: number;
  /** How often group lag/pending are read, the trim guard runs and written streams are trimmed. Default 5000. */
  trimCheckIntervalMs: number;
  /** How often `per-topic` wildcard subscriptions look for new topic streams. Default 1000. */
  discoveryIntervalMs: number;
  /** Longest a subscription's close() waits for in-flight deliveries. Default 5000. */
  closeGraceMs: number;
  /** Host name used in consumer names. Default os.hostname(). */
  hostname: string;
  /**
   * Consumers of a group with nothing pending and idle this long (left by processes that died)
   * are removed by the group's live members; 0 never removes them. Default: claimIdleMs, at
   * least 60,000.
   */
  consumerPruneIdleMs: number;
}

export interface RedisTransportContext {
  log: Logger;
  /** Runtime name (kept for logs; foreign entries are wrapped with source `external`). */
  source: string;
  /** Deepest nesting accepted in a received entry (`bus.maxDepth`); deeper ones are dead-lettered. Default: the schema's. */
  maxDepth?: number;
  tuning?: Partial<RedisTransportTuning>;
}

/** Topics remembered as already SADDed to the discovery registry; beyond this the cache restarts. */
const KNOWN_TOPICS_LIMIT = 10_000;

/**
 * Redis Streams transport: at-least-once delivery through consumer groups (the guarantees are
 * listed in the README, "Transports"). Publishing pipelines one `XADD` per envelope, one pipeline
 * per batch, on a publish connection (with `pack` > 1, one XADD per run of up to `pack` envelopes
 * on one topic; see codec.ts); a StreamTrimmer keeps streams near `maxLen` without deleting what a
 * consumer group still needs; acks and claims share a command connection; each subscription is a RedisGroupConsumer
 * with its own blocking connection. The group of a subscription is its `group`, else its
 * subscriber name (one group per subscribing actor, as ORION does).
 */
export class RedisTransport implements Transport {
  readonly kind = "redis";
  readonly guarantees: TransportGuarantees = {
    delivery: "at-least-once",
    acknowledgements: true,
    crossProcess: true,
    groupsAcrossProcesses: true,
  };
  readonly layout: RedisStreamLayout;
  private readonly config: ResolvedRedisTransportConfig;
  private readonly log: Logger;
  private readonly throttled: ThrottledLog;
  private readonly tuning: RedisTransportTuning;
  /** Most envelopes per stream entry; 1 writes the plain, foreign-readable form only. */
  private readonly pack: number;
  readonly publishWindow: number;
  private readonly maxDepth: number | undefined;
  private events: TransportEvents = {};
  /** XADD pipelines only, so acks and claims never queue behind a large publish. */
  private publisher: Redis | undefined;
  /** Acks, claims, group admin, XINFO, dead letters. */
  private commands: Redis | undefined;
  private deadLetters: DeadLetterWriter | undefined;
  private trimGuard: TrimGuard;
  private readonly trimmer: StreamTrimmer;
  private readonly consumers = new Set<RedisGroupConsumer>();
  /** Counters of closed subscriptions, per group, so totals never go backwards. */
  private readonly retired = new Map<string, GroupCounters>();
  private readonly knownTopics = new Set<string>();
  private connected = false;
  private closed = false;
  private published = 0;
  private publishErrors = 0;
  private unencodable = 0;
  private trimTimer: NodeJS.Timeout | undefined;

  constructor(config: ResolvedRedisTransportConfig, context: RedisTransportContext) {
    this.config = config;
    this.log = context.log.child({ transport: "redis" });
    this.throttled = new ThrottledLog(this.log);
    this.layout = new RedisStreamLayout(config.prefix, config.layout);
    const reclaimDefault = Math.min(5_000, Math.max(100, Math.floor(config.claimIdleMs / 2)));
    this.tuning = {
      ...DEFAULT_CONNECTION_OPTIONS,
      reclaimIntervalMs: reclaimDefault,
      trimCheckIntervalMs: 5_000,
      discoveryIntervalMs: 1_000,
      closeGraceMs: 5_000,
      hostname: hostname(),
      consumerPruneIdleMs: Math.max(60_000, config.claimIdleMs),
      ...context.tuning,
    };
    this.trimGuard = new TrimGuard(config.maxLen, this.log);
    const maxLenHard = config.maxLenHard ?? DEFAULT_MAX_LEN_HARD;
    if (maxLenHard < config.maxLen) {
      throw new NonRetryableError(
        `transport.maxLenHard (${maxLenHard}) must be at least maxLen (${config.maxLen}): it is the length no stream exceeds even while a group lags`,
        { code: "CONFIG_INVALID" },
      );
    }
    this.trimmer = new StreamTrimmer(config.maxLen, maxLenHard, () => this.commands, this.log);
    this.pack = config.pack ?? 1;
    this.publishWindow = config.publishWindow ?? DEFAULT_PUBLISH_WINDOW;
    this.maxDepth = context.maxDepth;
    if (!Number.isInteger(this.pack) || this.pack < 1) {
      throw new NonRetryableError(
        `transport.pack must be a positive integer (envelopes per stream entry; 1 = off), got ${String(config.pack)}`,
        { code: "CONFIG_INVALID" },
      );
    }
  }

  async connect(events: TransportEvents = {}): Promise<void> {
    if (this.closed) throw new PlexusError("REDIS_CLOSED", "redis transport is closed; create a new one", { retryable: false });
    this.events = events;
    if (this.commands) return;
    const publisher = await openRedisConnection(this.config.url, "publish", "publish", this.log, this.tuning);
    let commands: Redis;
    try {
      commands = await openRedisConnection(this.config.url, "commands", "commands", this.log, this.tuning);
    } catch (error) {
      publisher.disconnect();
      throw error;
    }
    this.publisher = publisher;
    this.commands = commands;
    this.connected = true;
    // The publish connection is the one the Bus outbox depends on, so it drives the reported state.
    publisher.on("close", () => this.setConnected(false));
    publisher.on("ready", () => this.setConnected(true));
    this.deadLetters = new DeadLetterWriter({
      commands,
      deadStream: this.layout.deadStream,
      maxLen: this.config.maxLen,
      log: this.log,
      events: () => this.events,
    });
    this.trimTimer = setInterval(() => void Promise.all([this.checkTrimRisk(), this.trimNow()]), this.tuning.trimCheckIntervalMs);
    this.trimTimer.unref();
    this.log.debug(
      { url: redactUrl(this.config.url), prefix: this.config.prefix, layout: this.config.layout },
      "redis transport connected",
    );
  }

  async publish(batch: readonly Envelope[], encoded?: readonly (string | undefined)[]): Promise<void> {
    if (batch.length === 0) return;
    const publisher = this.requireConnected(this.publisher, "publish");
    const pipeline = publisher.pipeline();
    // Envelopes carried by each pipelined command (0 for SADD), to report how many were written.
    const carried: number[] = [];
    const refused: Refusal[] = [];
    const entries = encodeEntries(batch, this.pack, refused, encoded);
    this.reportUnencodable(refused);
    if (entries.length === 0) return;
    for (const entry of entries) {
      const [topicField, topic, bodyField, body] = entry.fields;
      // No MAXLEN here: it would delete the oldest entries whether or not a group has read them.
      pipeline.xadd(this.layout.streamFor(entry.topic), "*", topicField, topic, bodyField, body);
      carried.push(entry.count);
      if (this.layout.kind === "per-topic" && !this.knownTopics.has(entry.topic)) {
        pipeline.sadd(this.layout.topicRegistry, entry.topic);
        carried.push(0);
      }
    }
    let results: Array<[Error | null, unknown]> | null;
    try {
      results = await withTimeout(pipeline.exec(), this.tuning.commandTimeoutMs, "XADD pipeline");
    } catch (error) {
      this.publishErrors++;
      throw this.publishError(batch.length, 0, toError(error));
    }
    // A pipeline reports per-command errors in its result instead of rejecting.
    const failure = results?.find(([error]) => error !== null)?.[0];
    if (results === null || failure) {
      this.publishErrors++;
      const written = results?.reduce((sum, [error], i) => (error === null ? sum + (carried[i] ?? 0) : sum), 0) ?? 0;
      throw this.publishError(batch.length, written, failure ?? new Error("pipeline aborted"));
    }
    if (this.layout.kind === "per-topic") this.rememberTopics(batch);
    this.published += batch.length - refused.length;
    if (this.layout.kind === "events") this.trimmer.written(this.layout.eventsStream, entries.length);
    else for (const entry of entries) this.trimmer.written(this.layout.streamFor(entry.topic), 1);
  }

  /** Envelopes left out of a publish because JSON cannot encode them go to the Bus's dead letters, payload left out. */
  private reportUnencodable(refused: readonly Refusal[]): void {
    for (const refusal of refused) {
      this.unencodable++;
      const { reason, raw } = describeRefusal(refusal);
      this.throttled.warn(
        `unencodable:${refusal.envelope.topic}`,
        { topic: refusal.envelope.topic, id: raw.id, reason },
        "redis publish left out an envelope JSON cannot encode; dead-lettered without its payload",
      );
      this.events.onDeadLetter?.(refusal.envelope.topic, reason, raw);
    }
  }

  async subscribe(spec: TransportSubscriptionSpec, deliver: Delivery): Promise<TransportSubscription> {
    validatePattern(spec.pattern);
    const commands = this.requireConnected(this.commands, "subscribe");
    const group = this.resolveGroup(spec);
    const taken = new Set([...this.consumers].filter((c) => c.settings.group === group).map((c) => c.settings.consumer));
    const consumer = new RedisGroupConsumer(
      {
        pattern: spec.pattern,
        group,
        consumer: consumerName(spec.subscriber, this.tuning.hostname, (name) => taken.has(name)),
        batch: this.config.batch,
        blockMs: this.config.blockMs,
        claimIdleMs: this.config.claimIdleMs,
        pruneIdleMs: this.tuning.consumerPruneIdleMs,
        maxDeliveries: this.config.maxDeliveries,
        dedupeWindow: this.config.dedupeWindow,
        reclaimIntervalMs: this.tuning.reclaimIntervalMs ?? 1_000,
        discoveryIntervalMs: this.tuning.discoveryIntervalMs,
        closeGraceMs: this.tuning.closeGraceMs,
        ...(this.maxDepth === undefined ? {} : { maxDepth: this.maxDepth }),
      },
      {
        commands,
        openReader: (role) => openRedisConnection(this.config.url, role, "blocking", this.log, this.tuning),
        layout: this.layout,
        deadLetters: this.deadLetters as DeadLetterWriter,
        log: this.log.child({ group, pattern: spec.pattern }),
      },
      deliver,
    );
    this.consumers.add(consumer);
    try {
      await consumer.start();
    } catch (error) {
      this.consumers.delete(consumer);
      await consumer.close();
      throw new PlexusError(
        "REDIS_SUBSCRIBE_FAILED",
        `redis subscription "${spec.pattern}" (group "${group}") could not start: ${toError(error).message}`,
        { cause: error },
      );
    }
    return {
      close: async () => {
        if (!this.consumers.delete(consumer)) return;
        // Streams of a per-topic wildcard grow over time: take the list before the consumer is gone.
        const streams = [...consumer.streamKeys];
        await consumer.close();
        this.retire(consumer);
        if (spec.ephemeral === true && spec.group === undefined) await this.destroyGroup(group, streams);
      },
    };
  }

  /** XGROUP DESTROY of an ephemeral subscription's group; a failure is logged (an idle group is harmless), never thrown. */
  private async destroyGroup(group: string, streams: readonly string[]): Promise<void> {
    for (const stream of streams) {
      try {
        await this.commands?.xgroup("DESTROY", stream, group);
      } catch (error) {
        this.log.warn(
          { group, stream, err: toError(error).message },
          "could not remove an ephemeral consumer group; remove it with XGROUP DESTROY <stream> <group>",
        );
      }
    }
  }

  /** The live consumers (tests and `plexus doctor` inspect them). */
  subscriptions(): readonly RedisGroupConsumer[] {
    return [...this.consumers];
  }

  /** Runs the trim guard now instead of waiting for its timer. */
  async checkTrimRisk(): Promise<void> {
    if (!this.connected) return;
    for (const consumer of this.consumers) await consumer.refreshGroupInfo(this.trimGuard);
  }

  /** Trims the streams this process wrote now (as its periodic check does), never past what a group still needs. */
  async trimNow(): Promise<void> {
    await this.trimmer.trimAll();
  }

  stats(): RedisTransportStats {
    const totals = new Map<string, GroupCounters>();
    for (const [group, counters] of this.retired) addGroupCounters(getOrAdd(totals, group), counters);
    const live = new Map<string, { pattern: string; consumers: number; streams: string[]; lag: number | null; pending: number | null }>();
    let dedupeEvictions = 0;
    for (const consumer of this.consumers) {
      const { group, pattern } = consumer.settings;
      addGroupCounters(getOrAdd(totals, group), consumer.counters);
      dedupeEvictions += consumer.dedupeEvictions;
      let entry = live.get(group);
      if (entry === undefined) live.set(group, (entry = { pattern, consumers: 0, streams: [], lag: null, pending: null }));
      entry.consumers++;
      entry.streams = [...new Set([...entry.streams, ...consumer.streamKeys])];
      let lag: number | null = null;
      let pending: number | null = null;
      for (const info of consumer.groupInfo.values()) {
        lag = info.lag === null ? lag : (lag ?? 0) + info.lag;
        pending = (pending ?? 0) + info.pending;
      }
      if (pending !== null) Object.assign(entry, { lag, pending });
    }
    const groups: Record<string, RedisGroupStats> = {};
    let delivered = 0;
    let trimmed = 0;
    for (const [group, counters] of totals) {
      delivered += counters.delivered;
      trimmed += counters.trimmedWhilePending;
      groups[group] = { ...(live.get(group) ?? { consumers: 0 }), ...counters };
    }
    return {
      kind: this.kind,
      connected: this.connected,
      published: this.published,
      delivered,
      unrouted: 0,
      drops: {
        ...(trimmed > 0 ? { "trimmed-before-ack": trimmed } : {}),
        ...(this.trimmer.unreadLostTotal > 0 ? { "trimmed-unread": this.trimmer.unreadLostTotal } : {}),
      },
      details: {
        layout: this.layout.kind,
        prefix: this.layout.prefix,
        groups,
        deadLettered: this.deadLetters?.count ?? 0,
        unencodable: this.unencodable,
        publishErrors: this.publishErrors,
        trimmed: this.trimmer.trimmed,
        trimHeldBy: this.trimmer.holds(),
        trimmedUnread: this.trimmer.unreadLost(),
        trimWarnings: this.trimGuard.warnings,
        groupsAtRisk: this.trimGuard.groupsAtRisk(),
        dedupeEvictions,
      },
    };
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.trimTimer) clearInterval(this.trimTimer);
    const consumers = [...this.consumers];
    this.consumers.clear();
    await Promise.all(consumers.map((consumer) => consumer.close()));
    for (const consumer of consumers) this.retire(consumer);
    await this.trimmer.idle();
    const connections = [this.publisher, this.commands];
    this.publisher = undefined;
    this.commands = undefined;
    for (const connection of connections) {
      if (connection === undefined) continue;
      connection.removeAllListeners("close");
      connection.removeAllListeners("ready");
      await connection.quit().catch(() => connection.disconnect());
    }
    this.connected = false;
  }

  private setConnected(connected: boolean): void {
    if (this.connected === connected || this.closed) return;
    this.connected = connected;
    if (connected) this.log.info("redis connection restored");
    else
      this.log.warn(
        { url: redactUrl(this.config.url) },
        "redis connection lost; publishes fail until it is back (the Bus outbox keeps them)",
      );
    this.events.onConnectionChange?.(connected);
  }

  private requireConnected(connection: Redis | undefined, operation: string): Redis {
    if (connection === undefined) {
      throw new PlexusError("REDIS_NOT_CONNECTED", `redis transport cannot ${operation} before connect() (or after close())`, {
        retryable: !this.closed,
      });
    }
    if (connection.status !== "ready") {
      throw new PlexusError(
        "REDIS_DISCONNECTED",
        `redis transport cannot ${operation}: ${redactUrl(this.config.url)} is not connected (${connection.status}); it reconnects in the background`,
      );
    }
    return connection;
  }

  private publishError(total: number, written: number, cause: Error): PlexusError {
    return new PlexusError(
      "REDIS_PUBLISH_FAILED",
      `redis publish of ${total} envelopes to ${redactUrl(this.config.url)} (prefix "${this.config.prefix}") failed after ${written} were written: ${cause.message}. ` +
        "The Bus keeps the batch in its outbox; resent envelopes keep their ids, so consumers deduplicate them.",
      { cause },
    );
  }

  /**
   * Group name: the explicit group, else the subscriber name. Members of one group must share one
   * pattern (under `events` a member acks what its pattern filters out, which its sibling would
   * have wanted); a subscriber with two patterns therefore gets `<subscriber>:<pattern>` for the
   * second, and two different patterns under one explicit group are refused.
   */
  private resolveGroup(spec: TransportSubscriptionSpec): string {
    // An ephemeral observer gets a group of its own, so it never shares (or resumes) another's.
    if (spec.ephemeral === true && spec.group === undefined) return `${spec.subscriber}:ephemeral:${randomBytes(4).toString("hex")}`;
    const patternOf = (group: string) => [...this.consumers].find((c) => c.settings.group === group)?.settings.pattern;
    if (spec.group !== undefined) {
      const existing = patternOf(spec.group);
      if (existing !== undefined && existing !== spec.pattern) {
        throw new NonRetryableError(
          `redis group "${spec.group}" already reads pattern "${existing}" in this process; a group's members must share one pattern, so subscribe to "${spec.pattern}" with another group`,
          { code: "REDIS_GROUP_CONFLICT" },
        );
      }
      return spec.group;
    }
    const existing = patternOf(spec.subscriber);
    return existing === undefined || existing === spec.pattern ? spec.subscriber : `${spec.subscriber}:${spec.pattern}`;
  }

  private rememberTopics(batch: readonly Envelope[]): void {
    for (const envelope of batch) {
      if (this.knownTopics.size >= KNOWN_TOPICS_LIMIT) this.knownTopics.clear(); // re-SADD is harmless
      this.knownTopics.add(envelope.topic);
    }
  }

  private retire(consumer: RedisGroupConsumer): void {
    addGroupCounters(getOrAdd(this.retired, consumer.settings.group), consumer.counters);
  }
}

function getOrAdd(map: Map<string, GroupCounters>, key: string): GroupCounters {
  let value = map.get(key);
  if (value === undefined) {
    value = emptyGroupCounters();
    map.set(key, value);
  }
  return value;
}
