import type { AddressInfo } from "node:net";
import Fastify from "fastify";
import { collectDefaultMetrics, type Registry } from "prom-client";
import type { Bus } from "../../transports/bus/bus.js";
import { DEFAULT_MAX_DEPTH } from "../../transports/bus/bus-config.js";
import type { OpsRoutes } from "../actor-context.js";
import type { ActorStatus } from "../actor-context.js";
import type { ActorTreeNode } from "../lifecycle-types.js";
import type { Logger } from "../../common/logger.js";
import type { Metrics } from "../../common/metrics.js";
import { assertSafeBinding, bearerMatches } from "./auth.js";
import { ConnectionTracker } from "./connections.js";
import { DynamicRouteTable } from "./dynamic-routes.js";
import type { RuntimeHealth } from "./health.js";
import { listenError } from "./listen-error.js";
import { registerActorRoutes } from "./actor-routes.js";
import { registerBusRoutes } from "./bus-routes.js";
import { registerRuntimeRoutes } from "./runtime-routes.js";
import { SseStream, type SseOptions } from "./sse.js";

/** What the ops server exposes: a runtime, or anything shaped like one (tests, embedders). */
export interface OpsTarget {
  name: string;
  bus: Bus;
  metrics: Metrics;
  log: Logger;
  tree(): ActorTreeNode;
  health(): RuntimeHealth;
  /** The status an actor reports about itself (see `OpsRoutes.status`), by actor path. */
  actorStatus?(path: string): ActorStatus | undefined;
}

export interface OpsServerOptions {
  /** Interface to bind. Anything but loopback requires `token`. */
  host: string;
  /** 0 binds an ephemeral port (read it from `address`). */
  port: number;
  /**
   * Bearer token required, when set, for every request that changes something or carries bus
   * messages: every non-GET request and `GET /subscribe` (always set beyond loopback).
   */
  token?: string;
  /** Largest request body accepted; larger gets 413. */
  maxBodyBytes: number;
  /** `/subscribe` stream bounds; defaults: heartbeat 15 s, 1,000 queued events per client. */
  sse?: Partial<SseOptions>;
  /** On close, requests still running after this long are cut off. Default 5 s. */
  closeGraceMs?: number;
  /** `bus.maxDepth`: `POST /publish` refuses payloads nested deeper. Default: the schema's. */
  maxDepth?: number;
}

/** What the ops server holds for its clients right now; all three return to 0 when they are gone. */
export interface OpsServerStats {
  sockets: number;
  requests: number;
  streams: number;
}

/** A listening ops server. `route()` mounts actor routes at run time. */
export interface OpsServer extends Pick<OpsRoutes, "route"> {
  readonly address: { host: string; port: number; url: string };
  /** Open sockets, requests in flight and open `/subscribe` streams, as tracked now. */
  stats(): OpsServerStats;
  /** Ends every `/subscribe` stream and stops listening. Idempotent. */
  close(): Promise<void>;
}

const BUILTIN_PATHS = new Set(["/health", "/ready", "/metrics", "/actors", "/publish", "/subscribe"]);
const DEFAULT_SSE: SseOptions = { heartbeatMs: 15_000, mailboxCapacity: 1_000 };

/**
 * Whether a request needs the token (when one is set). State reads (`/health`, `/ready`,
 * `/metrics`, `/actors`) stay open for probes and scrapers; `/subscribe` streams the bus's
 * messages, which are data, so it needs the token like a publish does.
 */
function needsToken(method: string, url: string): boolean {
  if (method !== "GET" && method !== "HEAD") return true;
  const path = url.split("?", 1)[0];
  return path === "/subscribe";
}

// prom-client's default collectors must be registered once per registry, or it throws on the second.
const registriesWithDefaults = new WeakSet<Registry>();

/**
 * Starts the ops HTTP server: `/health`, `/ready`, `/metrics`, `/actors`, `POST /publish`,
 * `GET /subscribe` (Server-Sent Events) and the routes actors mount. Refuses a network-facing
 * bind without a token; a port already in use is a non-retryable error naming the fix.
 */
export async function startOpsServer(target: OpsTarget, options: OpsServerOptions): Promise<OpsServer> {
  assertSafeBinding(options.host, options.token);
  const sse: SseOptions = { ...DEFAULT_SSE, ...options.sse };
  const app = Fastify({ logger: false, bodyLimit: options.maxBodyBytes });
  const dynamicRoutes = new DynamicRouteTable(BUILTIN_PATHS);
  const streams = new Set<SseStream>();
  const connections = new ConnectionTracker(app.server);
  target.metrics.gauge("ops_connections", "open ops server sockets", [], (gauge) => gauge.set(connections.counts().sockets));

  if (!registriesWithDefaults.has(target.metrics.registry)) {
    registriesWithDefaults.add(target.metrics.registry);
    collectDefaultMetrics({ register: target.metrics.registry });
  }

  if (options.token) {
    const token = options.token;
    app.addHook("onRequest", async (request, reply) => {
      if (!needsToken(request.method, request.url)) return;
      if (!bearerMatches(request.headers.authorization, token)) {
        await reply
          .code(401)
          .header("www-authenticate", "Bearer")
          .send({
            error: `${request.method} ${request.url.split("?")[0]} needs "Authorization: Bearer <runtime.ops.token>" (plexus pub/sub: --token or PLEXUS_TOKEN)`,
          });
      }
    });
  }

  app.setErrorHandler((error: { statusCode?: number; code?: string; message: string }, request, reply) => {
    if (error.code === "FST_ERR_CTP_BODY_TOO_LARGE") {
      return reply
        .code(413)
        .send({ error: `request body is over ${options.maxBodyBytes} bytes (runtime.ops.maxBodyBytes); send less or raise the limit` });
    }
    const status = error.statusCode && error.statusCode >= 400 ? error.statusCode : 500;
    if (status >= 500) target.log.error({ err: error, url: request.url }, "ops request failed");
    return reply.code(status).send({ error: error.message });
  });

  registerRuntimeRoutes(app, target);
  registerBusRoutes(app, target, { sse, maxDepth: options.maxDepth ?? DEFAULT_MAX_DEPTH }, streams);
  registerActorRoutes(app, dynamicRoutes, BUILTIN_PATHS, target.log);

  try {
    await app.listen({ host: options.host, port: options.port });
  } catch (error) {
    await app.close().catch(() => undefined);
    throw listenError(error, options.host, options.port);
  }
  const port = (app.server.address() as AddressInfo).port;
  const hostInUrl = options.host.includes(":") && !options.host.startsWith("[") ? `[${options.host}]` : options.host;
  const address = { host: options.host, port, url: `http://${hostInUrl}:${port}` };
  target.log.info({ url: address.url }, `ops server listening on ${address.url}`);

  const closeGraceMs = options.closeGraceMs ?? 5_000;
  let closing: Promise<void> | undefined;
  return {
    address,
    route: (method, path, handler) => dynamicRoutes.add(method, path, handler),
    stats: () => ({ ...connections.counts(), streams: streams.size }),
    close() {
      closing ??= (async () => {
        // Open event streams never end by themselves; the HTTP server would wait on them forever.
        await Promise.all([...streams].map((stream) => stream.close()));
        const done = app.close();
        connections.closeIdle();
        const cutOff = setTimeout(() => connections.destroyAll(), closeGraceMs);
        try {
          await done;
        } finally {
          clearTimeout(cutOff);
        }
      })();
      return closing;
    },
  };
}
