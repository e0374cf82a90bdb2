import type { AddressInfo } from "node:net";
import Fastify, { type FastifyReply, type FastifyRequest } from "fastify";
import { collectDefaultMetrics, type Registry } from "prom-client";
import type { Bus, PublishOptions } from "../transports/bus-api.js";
import type { OpsRoutes } from "./actor-definition.js";
import { PlexusError } from "./errors.js";
import type { ActorTreeNode } from "./lifecycle-types.js";
import type { Logger } from "./logger.js";
import type { Metrics } from "./metrics.js";
import { assertSafeBinding, bearerMatches } from "./ops-auth.js";
import { ConnectionTracker } from "./ops-connections.js";
import { DynamicRouteTable } from "./ops-dynamic-routes.js";
import { healthBody, type RuntimeHealth } from "./ops-health.js";
import { listenError } from "./ops-listen-error.js";
import { SseStream, type SseOptions } from "./ops-sse.js";

/** What the ops server exposes: a runtime, or anything shaped like one (tests, embedders). */
export interface OpsTarget {
  name: string;
  bus: Bus;
  metrics: Metrics;
  log: Logger;
  tree(): ActorTreeNode;
  health(): RuntimeHealth;
}

export interface OpsServerOptions {
  /** Interface to bind. Anything but loopback requires `token`. */
  host: string;
  /** 0 binds an ephemeral port (read it from `address`). */
  port: number;
  /** Bearer token required for every non-GET request when set (always set beyond loopback). */
  token?: string;
  /** Largest request body accepted; larger gets 413. */
  maxBodyBytes: number;
  /** `/subscribe` stream bounds; defaults: heartbeat 15 s, 1,000 queued events per client. */
  sse?: Partial<SseOptions>;
  /** On close, requests still running after this long are cut off. Default 5 s. */
  closeGraceMs?: number;
}

/** A listening ops server. `route()` mounts actor routes at run time. */
export interface OpsServer extends OpsRoutes {
  readonly address: { host: string; port: number; url: string };
  /** Ends every `/subscribe` stream and stops listening. Idempotent. */
  close(): Promise<void>;
}

const BUILTIN_PATHS = new Set(["/health", "/ready", "/metrics", "/actors", "/publish", "/subscribe"]);
const DEFAULT_SSE: SseOptions = { heartbeatMs: 15_000, mailboxCapacity: 1_000 };

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
  let sseCount = 0;

  if (!registriesWithDefaults.has(target.metrics.registry)) {
    registriesWithDefaults.add(target.metrics.registry);
    collectDefaultMetrics({ register: target.metrics.registry });
  }

  if (options.token) {
    const token = options.token;
    app.addHook("onRequest", async (request, reply) => {
      if (request.method === "GET" || request.method === "HEAD") return;
      if (!bearerMatches(request.headers.authorization, token)) {
        await reply.code(401).header("www-authenticate", "Bearer").send({ error: `${request.method} ${request.url.split("?")[0]} needs "Authorization: Bearer <runtime.ops.token>" (plexus pub: --token or PLEXUS_TOKEN)` });
      }
    });
  }

  app.setErrorHandler((error: { statusCode?: number; code?: string; message: string }, request, reply) => {
    if (error.code === "FST_ERR_CTP_BODY_TOO_LARGE") {
      return reply.code(413).send({ error: `request body is over ${options.maxBodyBytes} bytes (runtime.ops.maxBodyBytes); send less or raise the limit` });
    }
    const status = error.statusCode && error.statusCode >= 400 ? error.statusCode : 500;
    if (status >= 500) target.log.error({ err: error, url: request.url }, "ops request failed");
    return reply.code(status).send({ error: error.message });
  });

  app.get("/health", async (_request, reply) => {
    const health = target.health();
    return reply.code(health.ok ? 200 : 503).send(healthBody(target.name, health, target.tree(), target.bus.stats()));
  });

  app.get("/ready", async (_request, reply) => {
    const { ready, state, reason } = target.health();
    return reply.code(ready ? 200 : 503).send({ ready, state, ...(reason === undefined ? {} : { reason }) });
  });

  app.get("/metrics", async (_request, reply) => reply.type(target.metrics.contentType).send(await target.metrics.render()));

  app.get("/actors", async () => target.tree());

  app.post("/publish", async (request, reply) => {
    const parsed = parsePublishBody(request.body);
    if (typeof parsed === "string") return reply.code(400).send({ error: parsed });
    try {
      const envelope = await target.bus.publish(parsed.topic, parsed.payload, parsed.options);
      return reply.code(202).send({ id: envelope.id, topic: envelope.topic });
    } catch (error) {
      return sendBusError(reply, error, `publish to ${parsed.topic}`, target.log);
    }
  });

  app.get("/subscribe", async (request, reply) => {
    const query = request.query as Record<string, unknown>;
    const pattern = typeof query.pattern === "string" ? query.pattern : undefined;
    const group = typeof query.group === "string" && query.group !== "" ? query.group : undefined;
    if (!pattern) return reply.code(400).send({ error: 'GET /subscribe needs ?pattern=<topic pattern>, e.g. /subscribe?pattern=orders.* (optional &group=NAME)' });
    const stream = new SseStream(reply.raw, pattern, sse, target.metrics, target.log, (closed) => streams.delete(closed));
    try {
      await stream.subscribe(target.bus, group, `${target.name}-sse-${++sseCount}`);
    } catch (error) {
      return sendBusError(reply, error, `subscribe to ${pattern}`, target.log);
    }
    // The client may have gone away while the subscription was being set up.
    if (request.raw.destroyed || reply.raw.destroyed) {
      await stream.close();
      return reply;
    }
    reply.hijack();
    streams.add(stream);
    stream.open();
    return reply;
  });

  app.route({
    method: ["GET", "POST", "PUT", "DELETE"],
    url: "/*",
    handler: (request, reply) => serveDynamicRoute(dynamicRoutes, request, reply, target.log),
  });

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

interface PublishRequest {
  topic: string;
  payload: unknown;
  options: PublishOptions;
}

/** The validated `/publish` body, or what is wrong with it. */
function parsePublishBody(body: unknown): PublishRequest | string {
  const usage = 'expected a JSON body {"topic": "a.b", "payload": <any JSON>, "headers"?: {"k": "v"}}';
  if (typeof body !== "object" || body === null || Array.isArray(body)) return `POST /publish: ${usage}`;
  const { topic, payload, headers, source } = body as Record<string, unknown>;
  if (typeof topic !== "string") return `POST /publish: "topic" must be a string; ${usage}`;
  if (!("payload" in body)) return `POST /publish: "payload" is missing; ${usage}`;
  const options: PublishOptions = { source: typeof source === "string" && source !== "" ? source : "ops" };
  if (headers !== undefined) {
    if (typeof headers !== "object" || headers === null || Array.isArray(headers) || Object.values(headers).some((v) => typeof v !== "string")) {
      return 'POST /publish: "headers" must be an object of string values';
    }
    options.headers = headers as Record<string, string>;
  }
  return { topic, payload, options };
}

/** Bus refusals that the caller can fix (bad topic, contract violation) are 400; back-pressure is 503. */
function sendBusError(reply: FastifyReply, error: unknown, what: string, log: Logger): FastifyReply {
  const message = error instanceof Error ? error.message : String(error);
  if (error instanceof PlexusError) {
    const status = error.retryable ? 503 : 400;
    if (status === 503) log.warn({ err: error }, `ops: ${what} refused for now`);
    return reply.code(status).send({ error: message, code: error.code });
  }
  log.error({ err: error }, `ops: ${what} failed`);
  return reply.code(500).send({ error: message });
}

async function serveDynamicRoute(table: DynamicRouteTable, request: FastifyRequest, reply: FastifyReply, log: Logger): Promise<FastifyReply> {
  const path = request.url.split("?")[0] ?? "/";
  const found = table.find(request.method, path);
  if (!("handler" in found)) {
    if (found.status === 405) return reply.code(405).header("allow", found.allowed.join(", ")).send({ error: `${request.method} is not allowed on ${path}; use ${found.allowed.join(" or ")}` });
    return reply.code(404).send({ error: `no ops route ${request.method} ${path}`, routes: [...[...BUILTIN_PATHS].map((p) => (p === "/publish" ? `POST ${p}` : `GET ${p}`)), ...table.list()] });
  }
  const query: Record<string, string> = {};
  for (const [key, value] of Object.entries((request.query ?? {}) as Record<string, unknown>)) {
    // Repeated keys arrive as arrays; the route contract is one string per key, so the last wins.
    const last = Array.isArray(value) ? value[value.length - 1] : value;
    if (typeof last === "string") query[key] = last;
  }
  try {
    const response = await found.handler({ method: request.method, path, query, body: request.body });
    if (response.headers) void reply.headers(response.headers);
    return reply.code(response.status ?? 200).send(response.body);
  } catch (error) {
    log.error({ err: error, route: `${request.method} ${path}` }, "ops route handler failed");
    const status = error instanceof PlexusError && !error.retryable ? 400 : 500;
    return reply.code(status).send({ error: error instanceof Error ? error.message : String(error) });
  }
}
