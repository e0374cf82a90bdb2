import type { ActorContext } from "../../runtime/actor-context.js";
import { defineActor, type OptionsFromSchema } from "../../runtime/define-actor.js";
import { EndpointInUseError } from "./endpoint-in-use-error.js";
import type { ForwarderOptions, ProxyForwarder, ProxyMode } from "./proxy-forwarder.js";

/** Options of the `proxy` kind; each property's `description` (and `default`) says what it does. */
export const proxyOptionsSchema = {
  type: "object",
  additionalProperties: false,
  required: ["xsub", "xpub"],
  properties: {
    xsub: { type: "string", minLength: 1, description: "endpoint publishers connect to, e.g. tcp://127.0.0.1:5556" },
    xpub: { type: "string", minLength: 1, description: "endpoint subscribers connect to, e.g. tcp://127.0.0.1:5557" },
    /**
     * native: libzmq forwards (zmq_proxy, as pyzmq's zmq.proxy()), counting connections and
     * subscriptions only. counting: a JavaScript forwarder that also counts messages and bytes,
     * at several times the CPU per message.
     * @defaultValue `"native"`
     */
    mode: {
      enum: ["native", "counting"],
      default: "native",
      description:
        "native: libzmq's own proxy loop forwards (as fast as pyzmq's zmq.proxy(); counts connections and subscriptions, not messages or bytes). counting: a JavaScript forwarder that also counts messages and bytes, at several times the CPU per message",
    },
    ifBound: {
      enum: ["fail", "join"],
      default: "fail",
      description: "when an endpoint is already bound: fail (non-retryable) or join the existing proxy and idle",
    },
    noDrop: {
      type: "boolean",
      default: false,
      description:
        "wait for slow subscribers instead of dropping for them (XPUB_NODROP, in both modes); in native mode a stalled subscriber also holds back subscriptions and stop",
    },
    sendHighWaterMark: { type: "integer", minimum: 0, default: 10000, description: "ZeroMQ send high-water mark of the XPUB side" },
    receiveHighWaterMark: { type: "integer", minimum: 0, default: 10000, description: "ZeroMQ receive high-water mark of the XSUB side" },
    metricsIntervalMs: {
      type: "integer",
      minimum: 10,
      default: 1000,
      description: "how often counters are copied to the Prometheus metrics, ms",
    },
  },
} as const;

/** The options a proxy actor gets (defaults applied). */
export type ProxyOptions = OptionsFromSchema<typeof proxyOptionsSchema>;

/**
 * The ZeroMQ XSUB/XPUB proxy as a supervised actor, so that one config owns the proxy instead of
 * separate services competing for its ports. Binding an endpoint someone else holds fails once, non-retryably, naming the holder
 * (or, with `ifBound: join`, logs who owns it and idles). Counters are exported as
 * `plexus_proxy_connections`, `plexus_proxy_subscriptions_total` and, in counting mode only,
 * `plexus_proxy_messages_total` and `plexus_proxy_bytes_total`; `plexus_proxy_info` names the mode,
 * and `GET /proxy/<id>` on the ops server serves them.
 */
export const proxyActor = defineActor({
  kind: "proxy",
  description: "ZeroMQ XSUB/XPUB proxy (publishers connect to xsub, subscribers to xpub)",
  options: proxyOptionsSchema,
  async start(ctx) {
    const mode: ProxyMode = ctx.options.mode ?? "native";
    let forwarder: ProxyForwarder;
    try {
      forwarder = await startForwarder(mode, {
        xsub: ctx.options.xsub,
        xpub: ctx.options.xpub,
        noDrop: ctx.options.noDrop ?? false,
        sendHighWaterMark: ctx.options.sendHighWaterMark ?? 10_000,
        receiveHighWaterMark: ctx.options.receiveHighWaterMark ?? 10_000,
      });
    } catch (error) {
      if (error instanceof EndpointInUseError && ctx.options.ifBound === "join") return joinExisting(ctx, error);
      throw error;
    }
    ctx.log.info({ ...forwarder.endpoints, mode, noDrop: ctx.options.noDrop ?? false }, "proxy bound; forwarding");
    const unmount = ctx.ops.route("GET", `/proxy/${ctx.id}`, () => ({ body: forwarder.stats }));
    const flush = metricsFlusher(ctx, forwarder);
    const timer = setInterval(flush.flush, ctx.options.metricsIntervalMs ?? 1_000);
    timer.unref();
    forwarder.done.then(
      () => undefined,
      (error: unknown) => ctx.fail(error),
    );
    return async () => {
      clearInterval(timer);
      unmount();
      try {
        await forwarder.stop();
      } finally {
        flush.flush();
        flush.closed();
      }
      ctx.log.info({ ...forwarder.stats }, "proxy stopped; endpoints released");
    };
  },
});

/** Loaded on start so that registering the kind does not load the ZeroMQ native module. */
async function startForwarder(mode: ProxyMode, options: ForwarderOptions): Promise<ProxyForwarder> {
  if (mode === "counting") {
    const { XsubXpubForwarder } = await import("./xsub-xpub-forwarder.js");
    return XsubXpubForwarder.start(options);
  }
  const { NativeProxy } = await import("./native-proxy.js");
  return NativeProxy.start(options);
}

/** `ifBound: join`: another proxy owns the endpoint; say who, and run idle until stopped. */
function joinExisting(ctx: ActorContext<ProxyOptions>, error: EndpointInUseError): () => void {
  ctx.log.warn(
    { endpoint: error.endpoint, holderPid: error.holder?.pid, holderCommand: error.holder?.command },
    `proxy endpoint ${error.endpoint} is owned by another proxy (${error.holder !== undefined ? `pid ${error.holder.pid}` : "pid unknown"}); ifBound: join, so this actor idles and clients use that proxy`,
  );
  const unmount = ctx.ops.route("GET", `/proxy/${ctx.id}`, () => ({
    body: { mode: "joined", endpoint: error.endpoint, holder: error.holder ?? null },
  }));
  return unmount;
}

/**
 * Copies the forwarder's counters to Prometheus. Counters only a counting proxy keeps are not
 * registered for a native one: an absent series cannot be mistaken for "zero messages".
 */
function metricsFlusher(ctx: ActorContext<ProxyOptions>, forwarder: ProxyForwarder): { flush: () => void; closed: () => void } {
  const labels = { proxy: ctx.id };
  const mode = forwarder.stats.mode;
  ctx.metrics
    .gauge(
      "proxy_info",
      "1 per bound proxy, labelled with its mode; mode native does not count messages or bytes, so plexus_proxy_messages_total and plexus_proxy_bytes_total have no series for it",
      ["proxy", "mode"],
    )
    .set({ ...labels, mode }, 1);
  const connections = ctx.metrics.gauge(
    "proxy_connections",
    "Peers connected to the proxy now, by side (xsub: publishers, xpub: subscribers)",
    ["proxy", "side"],
  );
  const subscriptions = ctx.metrics.counter("proxy_subscriptions_total", "Subscription requests forwarded upstream by the proxy", [
    "proxy",
    "action",
  ]);
  const messages =
    mode === "counting"
      ? ctx.metrics.counter("proxy_messages_total", "Messages forwarded from publishers to subscribers by the proxy (counting mode)", [
          "proxy",
        ])
      : undefined;
  const bytes =
    mode === "counting"
      ? ctx.metrics.counter(
          "proxy_bytes_total",
          "Bytes (all frames) forwarded from publishers to subscribers by the proxy (counting mode)",
          ["proxy"],
        )
      : undefined;
  // Copying deltas on a timer keeps prom-client off the per-message hot path.
  const flushed = { messages: 0, bytes: 0, subscriptions: 0, unsubscriptions: 0 };
  const flush = (): void => {
    const now = forwarder.stats;
    connections.set({ ...labels, side: "xsub" }, now.connections.publishers);
    connections.set({ ...labels, side: "xpub" }, now.connections.subscribers);
    if (now.subscriptions > flushed.subscriptions)
      subscriptions.inc({ ...labels, action: "subscribe" }, now.subscriptions - flushed.subscriptions);
    if (now.unsubscriptions > flushed.unsubscriptions)
      subscriptions.inc({ ...labels, action: "unsubscribe" }, now.unsubscriptions - flushed.unsubscriptions);
    flushed.subscriptions = now.subscriptions;
    flushed.unsubscriptions = now.unsubscriptions;
    if (now.mode !== "counting") return;
    if (now.messages > flushed.messages) messages?.inc(labels, now.messages - flushed.messages);
    if (now.bytes > flushed.bytes) bytes?.inc(labels, now.bytes - flushed.bytes);
    flushed.messages = now.messages;
    flushed.bytes = now.bytes;
  };
  // A stopped proxy has no peers and no mode; its gauges go rather than show stale values.
  const closed = (): void => {
    connections.remove({ ...labels, side: "xsub" });
    connections.remove({ ...labels, side: "xpub" });
    ctx.metrics.gauge("proxy_info", "", ["proxy", "mode"]).remove({ ...labels, mode });
  };
  return { flush, closed };
}
