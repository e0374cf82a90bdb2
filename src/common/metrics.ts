import { Counter, Gauge, Histogram, Registry } from "prom-client";

/**
 * Prometheus metrics of one runtime. Each runtime owns its registry, so two runtimes embedded in
 * one process never collide. Metric names are prefixed `plexus_`.
 */
export class Metrics {
  readonly registry = new Registry();
  private readonly counters = new Map<string, Counter<string>>();
  private readonly gauges = new Map<string, Gauge<string>>();
  private readonly histograms = new Map<string, Histogram<string>>();

  /** Returns the counter `plexus_<name>`, creating it on first use. */
  counter(name: string, help: string, labelNames: readonly string[] = []): Counter<string> {
    return getOrCreate(this.counters, name, () => new Counter({ name: `plexus_${name}`, help, labelNames, registers: [this.registry] }));
  }

  /** Returns the gauge `plexus_<name>`; `collect` runs at scrape time to set current values. */
  gauge(name: string, help: string, labelNames: readonly string[] = [], collect?: (gauge: Gauge<string>) => void): Gauge<string> {
    return getOrCreate(
      this.gauges,
      name,
      () =>
        new Gauge({
          name: `plexus_${name}`,
          help,
          labelNames,
          registers: [this.registry],
          ...(collect
            ? {
                collect(this: Gauge<string>) {
                  collect(this);
                },
              }
            : {}),
        }),
    );
  }

  histogram(name: string, help: string, labelNames: readonly string[] = [], buckets?: number[]): Histogram<string> {
    return getOrCreate(
      this.histograms,
      name,
      () => new Histogram({ name: `plexus_${name}`, help, labelNames, registers: [this.registry], ...(buckets ? { buckets } : {}) }),
    );
  }

  /** The Prometheus text exposition. */
  async render(): Promise<string> {
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }
}

function getOrCreate<T>(map: Map<string, T>, key: string, create: () => T): T {
  let value = map.get(key);
  if (value === undefined) {
    value = create();
    map.set(key, value);
  }
  return value;
}
