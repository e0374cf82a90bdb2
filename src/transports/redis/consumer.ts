import type { Redis } from "ioredis";
import type { Logger } from "../../common/logger.js";
import { toError } from "../../common/errors.js";
import { BatchProcessor } from "./batch-processor.js";
import { waitUntilReady } from "./connection.js";
import type { DeadLetterWriter } from "./dead-letter-writer.js";
import { DedupeWindow } from "./dedupe-window.js";
import { emptyGroupCounters, type GroupCounters } from "./group-counters.js";
import { Reclaimer } from "./reclaimer.js";
import { leaveGroup } from "./group-membership.js";
import { isBusyGroupError, isNoGroupError, parseGroupInfo, parseReadReply, type GroupInfo } from "./replies.js";
import { StreamDiscovery } from "./stream-discovery.js";
import type { RedisStreamLayout } from "./stream-layout.js";
import type { TrimGuard } from "./trim-guard.js";
import { isWildcard } from "../topics.js";
import type { Delivery, TransportSubscription } from "../transport.js";

/** Who this consumer is and how it reads. */
export interface ConsumerSettings {
  pattern: string;
  group: string;
  consumer: string;
  batch: number;
  blockMs: number;
  claimIdleMs: number;
  /** Other consumers of the group with nothing pending, idle this long, are removed (0: never). */
  pruneIdleMs: number;
  maxDeliveries: number;
  dedupeWindow: number;
  reclaimIntervalMs: number;
  discoveryIntervalMs: number;
  /** Longest close() waits for in-flight deliveries and acks before dropping the connection. */
  closeGraceMs: number;
  /** `bus.maxDepth`: entries nested deeper are dead-lettered. Default: the schema's. */
  maxDepth?: number;
}

/** What the consumer borrows from its transport. */
export interface ConsumerServices {
  /** Shared non-blocking connection: group admin, acks, claims, XINFO. */
  commands: Redis;
  /** Opens this subscription's dedicated connection for blocking reads. */
  openReader(role: string): Promise<Redis>;
  layout: RedisStreamLayout;
  deadLetters: DeadLetterWriter;
  log: Logger;
}

/** Result of one XREADGROUP, with the stream list it was issued for. */
type ReadOutcome = { reply: unknown; streams: readonly string[] } | { error: unknown; streams: readonly string[] };

/** Full-SCAN discovery every this many registry reads (`per-topic` wildcards). */
const SCAN_EVERY_ROUNDS = 10;

/**
 * One subscription = one consumer in one consumer group. It owns a dedicated connection for
 * `XREADGROUP … BLOCK` (a blocking read would stall every other command queued on a shared
 * connection) and reads new entries (`>`) of its streams in batches; a Reclaimer takes over idle
 * pending entries; under `per-topic` with a wildcard a StreamDiscovery adds streams as topics
 * appear. Group creation: at subscribe, from `$` (the subscription sees what is published after it
 * is live, like any pub/sub; an existing group resumes where it left off); when a stream appears
 * later or vanished (NOGROUP), from `0`, since every entry in it is newer than the subscription.
 *
 * The consumer name is stable for its subscriber in this process (see `consumerName`), so a
 * subscription opened again — a restarted actor's, a child started again — first reads the
 * entries its name still has pending (XREADGROUP from id 0) before new ones: they are handled at
 * once instead of waiting `claimIdleMs` for a reclaim. On close the consumer leaves its group
 * (XGROUP DELCONSUMER) if nothing is pending for it; entries still pending keep it, so that they
 * are reclaimed by the group's other members, never lost.
 */
export class RedisGroupConsumer implements TransportSubscription {
  readonly settings: ConsumerSettings;
  readonly counters: GroupCounters = emptyGroupCounters();
  /** Latest XINFO GROUPS figures per stream (for stats and the trim guard). */
  readonly groupInfo = new Map<string, GroupInfo>();
  private readonly services: ConsumerServices;
  private readonly processor: BatchProcessor;
  private readonly reclaimer: Reclaimer;
  private readonly dedupe: DedupeWindow;
  private readonly discovery: StreamDiscovery | undefined;
  private streams: string[] = [];
  private reader: Redis | undefined;
  private readerId: number | undefined;
  private stopped = false;
  private loop: Promise<void> = Promise.resolve();
  private readonly timers: NodeJS.Timeout[] = [];
  private discoveryRounds = 0;
  private wake: (() => void) | undefined;

  constructor(settings: ConsumerSettings, services: ConsumerServices, deliver: Delivery) {
    this.settings = settings;
    this.services = services;
    this.dedupe = new DedupeWindow(settings.dedupeWindow);
    this.processor = new BatchProcessor({
      pattern: settings.pattern,
      group: settings.group,
      deliver,
      commands: services.commands,
      deadLetters: services.deadLetters,
      dedupe: this.dedupe,
      counters: this.counters,
      log: services.log,
      ...(settings.maxDepth === undefined ? {} : { maxDepth: settings.maxDepth }),
    });
    this.reclaimer = new Reclaimer({
      commands: services.commands,
      group: settings.group,
      consumer: settings.consumer,
      claimIdleMs: settings.claimIdleMs,
      pruneIdleMs: settings.pruneIdleMs,
      maxDeliveries: settings.maxDeliveries,
      batch: settings.batch,
      processor: this.processor,
      deadLetters: services.deadLetters,
      counters: this.counters,
      log: services.log,
      streams: () => this.streams,
      onNoGroup: (stream) => this.recreateGroups([stream]),
    });
    const layout = services.layout;
    if (layout.kind === "per-topic" && isWildcard(settings.pattern)) {
      this.discovery = new StreamDiscovery(services.commands, layout, settings.pattern);
    } else {
      this.streams = [layout.kind === "events" ? layout.eventsStream : layout.topicStream(settings.pattern)];
    }
  }

  /** Creates the group(s), opens the reader and starts reading; resolves once the subscription is live. */
  async start(): Promise<void> {
    if (this.discovery) this.streams = await this.discovery.find(true);
    for (const stream of this.streams) await this.ensureGroup(stream, "$");
    this.reader = await this.services.openReader(`read:${this.settings.group}`);
    const reader = this.reader;
    await this.learnReaderId();
    // After a reconnect the server assigns a new client id; CLIENT UNBLOCK needs the current one.
    reader.on("ready", () => void this.learnReaderId());
    this.loop = this.readLoop();
    this.every(this.settings.reclaimIntervalMs, () => this.reclaimer.runOnce());
    if (this.discovery) this.every(this.settings.discoveryIntervalMs, () => this.discover());
  }

  /** Streams this subscription currently reads. */
  get streamKeys(): readonly string[] {
    return this.streams;
  }

  get dedupeEvictions(): number {
    return this.dedupe.evictions;
  }

  /** Runs one reclaim pass now (tests, and after a reconnect). */
  reclaimNow(): Promise<void> {
    return this.reclaimer.runOnce();
  }

  /** Refreshes lag/pending of this group from XINFO GROUPS and lets `guard` assess trim risk. */
  async refreshGroupInfo(guard: TrimGuard): Promise<void> {
    for (const stream of this.streams) {
      let groups: GroupInfo[];
      try {
        groups = parseGroupInfo(await this.services.commands.xinfo("GROUPS", stream));
      } catch {
        continue; // stream gone or Redis away: the read loop reports and repairs that
      }
      const info = groups.find((g) => g.name === this.settings.group);
      if (info === undefined) continue;
      this.groupInfo.set(stream, info);
      guard.assess(stream, info);
    }
  }

  /** Stops reading; waits (up to closeGraceMs) for in-flight deliveries and their acks. */
  async close(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    for (const timer of this.timers) clearInterval(timer);
    this.wake?.();
    await this.unblockReader();
    const grace = new Promise<void>((resolve) => setTimeout(resolve, this.settings.closeGraceMs).unref());
    await Promise.race([Promise.all([this.loop, this.reclaimer.idle(), this.processor.drain()]), grace]);
    this.reader?.disconnect();
    await this.leaveGroup();
  }

  /** Removes this consumer from its group on each stream, unless entries are still pending for it. */
  private async leaveGroup(): Promise<void> {
    const { group, consumer } = this.settings;
    for (const stream of this.streams) {
      try {
        if ((await leaveGroup(this.services.commands, stream, group, consumer)) === "kept") {
          this.services.log.info(
            { stream, group, consumer },
            "redis consumer stays in its group with entries pending: the group's other members reclaim them after claimIdleMs, or this subscriber reads them first when it subscribes again",
          );
        }
      } catch (error) {
        // Redis away: the consumer stays; a live member of the group removes it once it holds nothing.
        this.services.log.debug({ stream, group, consumer, err: toError(error).message }, "redis consumer could not leave its group");
      }
    }
  }

  /**
   * Entries read under this consumer's name and never acked — by a subscription of the same
   * subscriber that closed before handling them — come first: read back from its own pending list
   * (XREADGROUP from id 0, page by page) and delivered, poison ones parked.
   */
  private async readOwnPending(): Promise<void> {
    const { group, consumer, batch } = this.settings;
    for (const stream of [...this.streams]) {
      let after = "0";
      while (!this.stopped) {
        let entries;
        try {
          const reply = await (this.reader as Redis).call("XREADGROUP", [
            "GROUP",
            group,
            consumer,
            "COUNT",
            batch,
            "STREAMS",
            stream,
            after,
          ]);
          entries = parseReadReply(reply).flatMap(([, read]) => read);
        } catch (error) {
          // Left for the reclaimer, which takes them once idle for claimIdleMs.
          this.services.log.debug({ stream, group, consumer, err: toError(error).message }, "redis read of own pending entries failed");
          break;
        }
        const last = entries[entries.length - 1];
        if (last === undefined) break;
        await this.reclaimer.redeliver(stream, entries);
        after = last[0];
      }
    }
  }

  private async readLoop(): Promise<void> {
    const { group, consumer, blockMs } = this.settings;
    const reader = this.reader as Redis;
    let outage = false;
    // Read-ahead: the next XREADGROUP goes out as soon as a batch arrives, so fetching batch N+1
    // overlaps delivering batch N. A consumer holds at most two batches; order is unchanged.
    let ahead: Promise<ReadOutcome> | undefined;
    await this.readOwnPending();
    while (!this.stopped) {
      const streams = this.streams;
      if (streams.length === 0 && ahead === undefined) {
        await this.sleep(blockMs); // wildcard with no matching stream yet: discovery will wake us
        continue;
      }
      const outcome = await (ahead ?? this.read(streams));
      ahead = undefined;
      if ("error" in outcome) {
        if (this.stopped) break;
        if (isNoGroupError(outcome.error)) {
          await this.recreateGroups(outcome.streams);
          continue;
        }
        if (!outage) {
          outage = true;
          this.services.log.warn(
            { group, consumer, err: toError(outcome.error).message },
            "redis read failed; waiting for the connection to come back",
          );
        }
        // Connected but failing (e.g. a client-side timeout): pause briefly instead of spinning.
        if (reader.status === "ready") await this.sleep(Math.min(blockMs, 200));
        else await waitUntilReady(reader, blockMs);
        continue;
      }
      if (outage) {
        outage = false;
        this.services.log.info({ group, consumer }, "redis reads resumed");
        // Entries delivered to us before the outage whose acks were lost are reclaimed once idle.
        void this.reclaimer.runOnce();
      }
      const batches = parseReadReply(outcome.reply).filter(([, entries]) => entries.length > 0);
      const readAhead = batches.length > 0 && !this.stopped && this.streams.length > 0;
      // Entries already taken from the group are delivered even when close() began meanwhile:
      // dropping them would leave them pending until another member reclaims them.
      for (const [stream, entries] of batches) {
        const processing = this.processor.process(stream, entries);
        if (readAhead && ahead === undefined) ahead = this.readAfterDeliveries();
        await processing;
      }
    }
    if (ahead !== undefined) {
      const outcome = await ahead;
      if ("reply" in outcome) {
        for (const [stream, entries] of parseReadReply(outcome.reply)) {
          if (entries.length > 0) await this.processor.process(stream, entries);
        }
      }
    }
  }

  /**
   * The read-ahead, sent on a microtask queued after the mailbox's: the handlers of the batch just
   * handed out start before the socket write of the next read, which would otherwise come first
   * on every batch's path. Not sent once close() began (it would block for blockMs).
   */
  private readAfterDeliveries(): Promise<ReadOutcome> {
    const streams = this.streams;
    return new Promise((resolve) => {
      queueMicrotask(() => resolve(this.stopped ? { reply: null, streams } : this.read(streams)));
    });
  }

  /** One XREADGROUP of new entries; never rejects (errors come back as the outcome). */
  private read(streams: readonly string[]): Promise<ReadOutcome> {
    const { group, consumer, batch, blockMs } = this.settings;
    const args = ["GROUP", group, consumer, "COUNT", batch, "BLOCK", blockMs, "STREAMS", ...streams, ...streams.map(() => ">")];
    return (this.reader as Redis).call("XREADGROUP", args).then(
      (reply) => ({ reply, streams }),
      (error: unknown) => ({ error, streams }),
    );
  }

  private async ensureGroup(stream: string, startId: "$" | "0"): Promise<boolean> {
    try {
      await this.services.commands.xgroup("CREATE", stream, this.settings.group, startId, "MKSTREAM");
      return true;
    } catch (error) {
      if (isBusyGroupError(error)) return false;
      throw error;
    }
  }

  /** NOGROUP: the stream or the group vanished (DEL, FLUSHDB, a restore). Recreate and say so. */
  private async recreateGroups(streams: readonly string[]): Promise<void> {
    for (const stream of streams) {
      try {
        if (await this.ensureGroup(stream, "0")) {
          this.counters.groupsRecreated++;
          this.services.log.warn(
            { stream, group: this.settings.group },
            `redis stream or consumer group vanished (NOGROUP); recreated group "${this.settings.group}" on ${stream} from the beginning of the stream`,
          );
        }
      } catch (error) {
        this.services.log.warn(
          { stream, group: this.settings.group, err: toError(error).message },
          "redis group recreation failed; retrying",
        );
        await this.sleep(Math.min(this.settings.blockMs, 500));
      }
    }
  }

  private async discover(): Promise<void> {
    const discovery = this.discovery;
    if (discovery === undefined || this.stopped) return;
    this.discoveryRounds++;
    let found: string[];
    try {
      found = await discovery.find(this.discoveryRounds % SCAN_EVERY_ROUNDS === 0);
    } catch {
      return; // Redis away: the next round retries
    }
    const known = new Set(this.streams);
    const added = found.filter((stream) => !known.has(stream));
    if (added.length === 0) return;
    for (const stream of added) await this.ensureGroup(stream, "0").catch(() => false);
    this.streams = [...this.streams, ...added];
    this.services.log.debug({ group: this.settings.group, added }, "redis wildcard subscription discovered new topic streams");
    // The reader may be blocked on the old stream list; make it start over with the new one.
    this.wake?.();
    await this.unblockReader();
  }

  private async learnReaderId(): Promise<void> {
    try {
      this.readerId = Number(await this.reader?.client("ID"));
    } catch {
      this.readerId = undefined;
    }
  }

  private async unblockReader(): Promise<void> {
    if (this.readerId === undefined) return;
    try {
      await this.services.commands.client("UNBLOCK", this.readerId);
    } catch {
      // Not connected: the read fails or times out on its own.
    }
  }

  private every(intervalMs: number, task: () => Promise<void>): void {
    let busy = false;
    const timer = setInterval(() => {
      if (busy || this.stopped) return;
      busy = true;
      task()
        .catch((error: unknown) =>
          this.services.log.warn(
            { group: this.settings.group, err: toError(error).message },
            "redis background task failed; it runs again on the next tick",
          ),
        )
        .finally(() => {
          busy = false;
        });
    }, intervalMs);
    timer.unref();
    this.timers.push(timer);
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      timer.unref();
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.wake = done;
    });
  }
}
