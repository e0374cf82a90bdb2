import { defineActor, type ActorContext } from "../../runtime/actor-definition.js";
import { EndpointInUseError } from "./endpoint-in-use-error.js";
import type { ForwarderStats, XsubXpubForwarder } from "./xsub-xpub-forwarder.js";

/** Options of the `proxy` kind (the ZeroMQ XSUB/XPUB forwarder). */
export interface ProxyOptions {
  /** Endpoint publishers connect to. */
  xsub: string;
  /** Endpoint subscribers connect to. */
  xpub: string;
  /** `fail` (default): an endpoint bound elsewhere is a non-retryable error. `join`: run idle. */
  ifBound: "fail" | "join";
  /** Lossless forwarding: wait for slow subscribers instead of dropping for them. Default false. */
  noDrop: boolean;
  sendHighWaterMark: number;
  receiveHighWaterMark: number;
  /** How often counters are copied to the Prometheus metrics. Default 1,000 ms. */
  metricsIntervalMs: number;
}

/** Counter values already copied to Prometheus, so each flush adds only the difference. */
type Flushed = Pick<ForwarderStats, "messages" | "bytes" | "subscriptions" | "unsubscriptions">;

/**
 * The ZeroMQ XSUB/XPUB proxy as a supervised actor, so that one config owns the proxy instead of
 * separate services competing for its ports. Binding an endpoint someone else holds fails once, non-retryably, naming the holder
 * (or, with `ifBound: join`, logs who owns it and idles). Counters are exported as
 * `plexus_proxy_messages_total`, `plexus_proxy_bytes_total`, `plexus_proxy_subscriptions_total`
 * and served at `GET /proxy/<id>` on the ops server.
 */
export const proxyActor = defineActor<ProxyOptions>({
  kind: "proxy",
  description: "ZeroMQ XSUB/XPUB proxy (publishers connect to xsub, subscribers to xpub)",
  options: {
    type: "object",
    additionalProperties: false,
    required: ["xsub", "xpub"],
    properties: {
      xsub: { type: "string", minLength: 1, description: "endpoint publishers connect to, e.g. tcp://127.0.0.1:5556" },
      xpub: { type: "string", minLength: 1, description: "endpoint subscribers connect to, e.g. tcp://127.0.0.1:5557" },
      ifBound: {
        enum: ["fail", "join"],
        default: "fail",
        description: "when an endpoint is already bound: fail (non-retryable) or join the existing proxy and idle",
      },
      noDrop: { type: "boolean", default: false, description: "wait for slow subscribers instead of dropping for them" },
      sendHighWaterMark: { type: "integer", minimum: 0, default: 10000 },
      receiveHighWaterMark: { type: "integer", minimum: 0, default: 10000 },
      metricsIntervalMs: { type: "integer", minimum: 10, default: 1000 },
    },
  },
  async start(ctx) {
    // Loaded on start so that registering the kind does not load the ZeroMQ native module.
    const { XsubXpubForwarder } = await import("./xsub-xpub-forwarder.js");
    let forwarder: XsubXpubForwarder;
    try {
      forwarder = await XsubXpubForwarder.start({
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
    ctx.log.info({ ...forwarder.endpoints, noDrop: ctx.options.noDrop ?? false }, "proxy bound; forwarding");
    const unmount = ctx.ops.route("GET", `/proxy/${ctx.id}`, () => ({
      body: { mode: "bound", ...forwarder.stats, ...forwarder.endpoints },
    }));
    const flush = metricsFlusher(ctx, forwarder);
    const timer = setInterval(flush, ctx.options.metricsIntervalMs ?? 1_000);
    timer.unref();
    forwarder.done.then(
      () => undefined,
      (error: unknown) => ctx.fail(error),
    );
    return async () => {
      clearInterval(timer);
      unmount();
      await forwarder.stop();
      flush();
      ctx.log.info({ ...forwarder.stats }, "proxy stopped; endpoints released");
    };
  },
});

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

function metricsFlusher(ctx: ActorContext<ProxyOptions>, forwarder: XsubXpubForwarder): () => void {
  const labels = { proxy: ctx.id };
  const messages = ctx.metrics.counter("proxy_messages_total", "Messages forwarded from publishers to subscribers by the proxy", ["proxy"]);
  const bytes = ctx.metrics.counter("proxy_bytes_total", "Bytes (all frames) forwarded from publishers to subscribers by the proxy", [
    "proxy",
  ]);
  const subscriptions = ctx.metrics.counter("proxy_subscriptions_total", "Subscription requests forwarded upstream by the proxy", [
    "proxy",
    "action",
  ]);
  // Copying deltas on a timer keeps prom-client off the per-message hot path.
  const flushed: Flushed = { messages: 0, bytes: 0, subscriptions: 0, unsubscriptions: 0 };
  return () => {
    const now = forwarder.stats;
    if (now.messages > flushed.messages) messages.inc(labels, now.messages - flushed.messages);
    if (now.bytes > flushed.bytes) bytes.inc(labels, now.bytes - flushed.bytes);
    if (now.subscriptions > flushed.subscriptions)
      subscriptions.inc({ ...labels, action: "subscribe" }, now.subscriptions - flushed.subscriptions);
    if (now.unsubscriptions > flushed.unsubscriptions)
      subscriptions.inc({ ...labels, action: "unsubscribe" }, now.unsubscriptions - flushed.unsubscriptions);
    flushed.messages = now.messages;
    flushed.bytes = now.bytes;
    flushed.subscriptions = now.subscriptions;
    flushed.unsubscriptions = now.unsubscriptions;
  };
}
