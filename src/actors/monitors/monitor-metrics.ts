import type { Clock } from "../../common/clock.js";
import type { Metrics } from "../../common/metrics.js";
import type { MonitorEngineStats } from "./monitor-engine.js";

const FLUSH_MS = 1_000;

/**
 * Copies a monitor's stats to Prometheus every second (labelled by monitor id), so scraping never
 * walks the engine and the engine's hot path never touches prom-client. Returns the stopper,
 * which also removes the monitor's series.
 */
export function monitorMetrics(metrics: Metrics, monitor: string, stats: () => MonitorEngineStats, clock: Clock): () => void {
  const labels = { monitor };
  const gauges = {
    files: metrics.gauge("monitor_files", "Files a monitor tracks", ["monitor"]),
    queue: metrics.gauge("monitor_queue_depth", "Paths waiting in a monitor's queue", ["monitor"]),
    cacheEntries: metrics.gauge("monitor_cache_entries", "Per-file results in a monitor's cache", ["monitor"]),
    cacheBytes: metrics.gauge("monitor_cache_bytes", "Bytes of per-file results in a monitor's cache", ["monitor"]),
    failed: metrics.gauge("monitor_failed_files", "Files a monitor gave up analysing", ["monitor"]),
    latency: metrics.gauge("monitor_last_event_latency_seconds", "Time from a file event to its result, last event", ["monitor"]),
  };
  const analyses = metrics.counter("monitor_analyses_total", "Files a monitor analysed in a worker", ["monitor"]);
  const overflowed = metrics.counter("monitor_queue_overflow_total", "Events a monitor's full queue refused (re-checked later)", [
    "monitor",
  ]);
  const flushed = { analyses: 0, overflowed: 0 };
  const flush = (): void => {
    const now = stats();
    gauges.files.set(labels, now.filesTracked);
    gauges.queue.set(labels, now.queue.depth);
    gauges.cacheEntries.set(labels, now.cache.entries);
    gauges.cacheBytes.set(labels, now.cache.bytes);
    gauges.failed.set(labels, now.failed.length);
    if (now.lastEventLatencyMs !== undefined) gauges.latency.set(labels, now.lastEventLatencyMs / 1_000);
    analyses.inc(labels, now.analyses - flushed.analyses);
    overflowed.inc(labels, now.queue.overflowed - flushed.overflowed);
    flushed.analyses = now.analyses;
    flushed.overflowed = now.queue.overflowed;
  };
  flush();
  const timer = clock.setInterval(flush, FLUSH_MS);
  return () => {
    clock.clearInterval(timer);
    for (const gauge of Object.values(gauges)) gauge.remove(labels);
    analyses.remove(labels);
    overflowed.remove(labels);
  };
}
