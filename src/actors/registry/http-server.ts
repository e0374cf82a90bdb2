import type { AddressInfo } from "node:net";
import type { FastifyInstance } from "fastify";
import type { Logger } from "../../common/logger.js";
import { assertSafeBinding, bearerMatches, type ListenerNames } from "../../runtime/ops/auth.js";
import { listenError } from "../../runtime/ops/listen-error.js";

export interface RegistryListenOptions {
  host: string;
  port: number;
  /** Required for every write when set; always set beyond loopback. */
  token?: string;
  maxBodyBytes: number;
  names: ListenerNames;
}

/** The registry's own listener. */
export interface RegistryHttpServer {
  readonly url: string;
  readonly port: number;
  close(): Promise<void>;
}

/**
 * Starts the registry's HTTP listener (its own port, apart from the ops server) with the ops
 * server's safety rules: no network-facing bind without a token, writes need the bearer token,
 * bodies over `maxBodyBytes` get 413, JSON that does not parse gets 400 with the parser's reason,
 * and a port in use is a non-retryable error naming who holds it. `mount` adds the routes.
 */
export async function startRegistryHttpServer(
  options: RegistryListenOptions,
  log: Logger,
  mount: (app: FastifyInstance) => void,
): Promise<RegistryHttpServer> {
  assertSafeBinding(options.host, options.token, options.names);
  // Loaded here: registering the kind must not load fastify for runtimes that run no registry.
  const { default: Fastify } = await import("fastify");
  const app = Fastify({ logger: false, bodyLimit: options.maxBodyBytes, keepAliveTimeout: 65_000 });
  app.removeContentTypeParser("application/json");
  app.addContentTypeParser("application/json", { parseAs: "string" }, (_request, text: string, done) => {
    if (text.trim() === "") return done(null, undefined);
    try {
      done(null, JSON.parse(text));
    } catch (error) {
      done(Object.assign(new Error(`request body is not valid JSON: ${(error as Error).message}`), { statusCode: 400 }), undefined);
    }
  });
  if (options.token !== undefined) {
    const token = options.token;
    app.addHook("onRequest", async (request, reply) => {
      if (request.method === "GET" || request.method === "HEAD") return;
      if (!bearerMatches(request.headers.authorization, token))
        await reply
          .code(401)
          .header("www-authenticate", "Bearer")
          .send({ error: `${request.method} ${request.url.split("?")[0]} needs "Authorization: Bearer <the registry's token>"` });
    });
  }
  app.setErrorHandler((error: { statusCode?: number; code?: string; message: string }, request, reply) => {
    if (error.code === "FST_ERR_CTP_BODY_TOO_LARGE")
      return reply.code(413).send({ error: `request body is over ${options.maxBodyBytes} bytes` });
    const status = error.statusCode !== undefined && error.statusCode >= 400 ? error.statusCode : 500;
    if (status >= 500) log.error({ err: error, url: request.url }, "registry request failed");
    return reply.code(status).send({ error: error.message });
  });
  mount(app);
  try {
    await app.listen({ host: options.host, port: options.port });
  } catch (error) {
    await app.close().catch(() => undefined);
    throw listenError(error, options.host, options.port, options.names);
  }
  const port = (app.server.address() as AddressInfo).port;
  const host = options.host.includes(":") && !options.host.startsWith("[") ? `[${options.host}]` : options.host;
  let closing: Promise<void> | undefined;
  return {
    url: `http://${host}:${port}`,
    port,
    close() {
      closing ??= (async () => {
        const done = app.close();
        // Idle keep-alive sockets (sidecars, watchers) would hold close() open until they time out.
        app.server.closeIdleConnections();
        const cutOff = setTimeout(() => app.server.closeAllConnections(), 2_000);
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
