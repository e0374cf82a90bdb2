import type { Counter } from "prom-client";
import type { Metrics } from "../../common/metrics.js";
import type { BusStats } from "./bus.js";

type StatsSource = () => BusStats;

interface Totals {
  published: number;
  delivered: number;
  handlerErrors: number;
  deadLettered: number;
  rejectedByContract: number;
  outboxDropped: number;
  outboxReplayed: number;
  drops: Record<string, number>;
}

/**
 * Prometheus view of every bus registered on one `Metrics`. The hot path only bumps plain numbers;
 * they are pushed into prom-client when /metrics is scraped: the mailbox-depth gauge is registered
 * before the counters and its `collect` syncs them, so a scrape always sees current totals.
 */
class BusMetricsGroup {
  readonly sources = new Set<StatsSource>();
  /** Totals of buses that were closed, so counters never go backwards. */
  private readonly retired: Totals = emptyTotals();
  private readonly synced: Totals = emptyTotals();
  private readonly counters: Record<Exclude<keyof Totals, "drops">, Counter<string>>;
  private readonly dropped: Counter<string>;

  constructor(metrics: Metrics) {
    metrics.gauge("bus_mailbox_depth", "Messages waiting in each subscription's mailbox.", ["subscription"], (gauge) => {
      gauge.reset();
      const totals = this.sync();
      for (const [label, depth] of Object.entries(totals.depths)) gauge.set({ subscription: label }, depth);
    });
    metrics.gauge("bus_outbox_depth", "Envelopes waiting in the outbox for the transport.", [], (gauge) => {
      let depth = 0;
      for (const source of this.sources) depth += source().outbox.depth;
      gauge.set(depth);
    });
    this.counters = {
      published: metrics.counter("bus_published_total", "Envelopes published through the bus."),
      delivered: metrics.counter("bus_delivered_total", "Envelopes handed to subscription handlers."),
      handlerErrors: metrics.counter("bus_handler_errors_total", "Handlers that threw or rejected."),
      deadLettered: metrics.counter("bus_dead_lettered_total", "Envelopes published to dead-letter topics."),
      rejectedByContract: metrics.counter("bus_contract_rejected_total", "Payloads refused or dead-lettered for breaking a contract."),
      outboxDropped: metrics.counter("bus_outbox_dropped_total", "Envelopes the outbox dropped (overflow or shutdown)."),
      outboxReplayed: metrics.counter("bus_outbox_replayed_total", "Envelopes replayed from the outbox after a reconnect."),
    };
    this.dropped = metrics.counter("bus_dropped_total", "Mailbox drops by reason.", ["reason"]);
  }

  retire(source: StatsSource): void {
    if (!this.sources.delete(source)) return;
    addTotals(this.retired, totalsOf(source()));
  }

  private sync(): { depths: Record<string, number> } {
    const now = emptyTotals();
    addTotals(now, this.retired);
    const depths: Record<string, number> = {};
    for (const source of this.sources) {
      const stats = source();
      addTotals(now, totalsOf(stats));
      for (const [label, depth] of Object.entries(stats.mailboxDepths)) depths[label] = (depths[label] ?? 0) + depth;
    }
    for (const key of Object.keys(this.counters) as Array<keyof typeof this.counters>) {
      const delta = now[key] - this.synced[key];
      if (delta > 0) {
        this.counters[key].inc(delta);
        this.synced[key] = now[key];
      }
    }
    for (const [reason, count] of Object.entries(now.drops)) {
      const delta = count - (this.synced.drops[reason] ?? 0);
      if (delta > 0) {
        this.dropped.inc({ reason }, delta);
        this.synced.drops[reason] = count;
      }
    }
    return { depths };
  }
}

const groups = new WeakMap<Metrics, BusMetricsGroup>();

/** Exposes a bus's stats on `metrics`; returns the function that retires it (at bus close). */
export function registerBusMetrics(metrics: Metrics, source: StatsSource): () => void {
  let group = groups.get(metrics);
  if (group === undefined) {
    group = new BusMetricsGroup(metrics);
    groups.set(metrics, group);
  }
  group.sources.add(source);
  const owner = group;
  return () => owner.retire(source);
}

function emptyTotals(): Totals {
  return {
    published: 0,
    delivered: 0,
    handlerErrors: 0,
    deadLettered: 0,
    rejectedByContract: 0,
    outboxDropped: 0,
    outboxReplayed: 0,
    drops: {},
  };
}

function totalsOf(stats: BusStats): Totals {
  return {
    published: stats.published,
    delivered: stats.delivered,
    handlerErrors: stats.handlerErrors,
    deadLettered: stats.deadLettered,
    rejectedByContract: stats.rejectedByContract,
    outboxDropped: stats.outbox.dropped,
    outboxReplayed: stats.outbox.replayed,
    drops: stats.drops,
  };
}

function addTotals(into: Totals, more: Totals): void {
  into.published += more.published;
  into.delivered += more.delivered;
  into.handlerErrors += more.handlerErrors;
  into.deadLettered += more.deadLettered;
  into.rejectedByContract += more.rejectedByContract;
  into.outboxDropped += more.outboxDropped;
  into.outboxReplayed += more.outboxReplayed;
  for (const [reason, count] of Object.entries(more.drops)) into.drops[reason] = (into.drops[reason] ?? 0) + count;
}
