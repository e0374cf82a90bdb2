import type { Metrics } from "../common/metrics.js";
import type { RedisGroupStats, TransportStats } from "./transport-stats.js";

const GROUP_FIGURES = [
  "lag",
  "pending",
  "delivered",
  "acked",
  "reclaimed",
  "deadLettered",
  "filtered",
  "deduped",
  "trimmedWhilePending",
  "groupsRecreated",
] as const satisfies readonly (keyof RedisGroupStats)[];

/**
 * Exposes the transport's own counters in /metrics, read at scrape time: connection state,
 * published/delivered/unrouted, drops below the Bus by socket or stream (e.g. ZeroMQ high-water
 * mark), and for redis the lag, pending and delivery counts of every consumer group and the
 * streams a lagging group holds above maxLen.
 */
export function registerTransportMetrics(metrics: Metrics, stats: () => TransportStats): void {
  metrics.gauge("transport_connected", "1 while the transport can deliver, else 0.", ["transport"], (gauge) => {
    const current = stats();
    gauge.reset();
    gauge.set({ transport: current.kind }, current.connected ? 1 : 0);
  });
  metrics.gauge(
    "transport_messages",
    "Envelopes the transport published, delivered, or could not route (since start).",
    ["transport", "direction"],
    (gauge) => {
      const current = stats();
      gauge.reset();
      gauge.set({ transport: current.kind, direction: "published" }, current.published);
      gauge.set({ transport: current.kind, direction: "delivered" }, current.delivered);
      gauge.set({ transport: current.kind, direction: "unrouted" }, current.unrouted);
    },
  );
  metrics.gauge(
    "transport_drops",
    "Envelopes dropped below the Bus, by socket or stream and reason (since start).",
    ["transport", "where"],
    (gauge) => {
      const current = stats();
      gauge.reset();
      for (const [where, count] of Object.entries(current.drops)) gauge.set({ transport: current.kind, where }, count);
    },
  );
  metrics.gauge(
    "transport_group",
    "Consumer-group figures of the redis transport (lag, pending, delivered, acked, …).",
    ["group", "figure"],
    (gauge) => {
      gauge.reset();
      for (const [group, figures] of Object.entries(groupsOf(stats()))) {
        for (const figure of GROUP_FIGURES) {
          const value = figures[figure];
          if (typeof value === "number") gauge.set({ group, figure }, value);
        }
      }
    },
  );
  metrics.gauge(
    "transport_trim_held",
    "Length of each redis stream held above maxLen because a consumer group still needs its older entries, by stream and group.",
    ["stream", "group"],
    (gauge) => {
      gauge.reset();
      const current = stats();
      if (current.kind !== "redis") return;
      for (const [stream, hold] of Object.entries(current.details.trimHeldBy)) gauge.set({ stream, group: hold.group }, hold.length);
    },
  );
}

/** The redis transport's consumer groups; none for the other kinds. */
export function groupsOf(stats: TransportStats): Record<string, RedisGroupStats> {
  return stats.kind === "redis" ? stats.details.groups : {};
}
