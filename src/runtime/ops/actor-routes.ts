import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { PlexusError } from "../../common/errors.js";
import type { Logger } from "../../common/logger.js";
import type { DynamicRouteTable } from "./dynamic-routes.js";

/** Every path that no built-in route serves goes to the routes actors mounted with `ctx.ops.route`. */
export function registerActorRoutes(app: FastifyInstance, table: DynamicRouteTable, builtinPaths: ReadonlySet<string>, log: Logger): void {
  app.route({
    method: ["GET", "POST", "PUT", "DELETE"],
    url: "/*",
    handler: (request, reply) => serveDynamicRoute(table, builtinPaths, request, reply, log),
  });
}

async function serveDynamicRoute(
  table: DynamicRouteTable,
  builtinPaths: ReadonlySet<string>,
  request: FastifyRequest,
  reply: FastifyReply,
  log: Logger,
): Promise<FastifyReply> {
  const path = request.url.split("?")[0] ?? "/";
  const found = table.find(request.method, path);
  if (!("handler" in found)) {
    if (found.status === 405)
      return reply
        .code(405)
        .header("allow", found.allowed.join(", "))
        .send({ error: `${request.method} is not allowed on ${path}; use ${found.allowed.join(" or ")}` });
    return reply.code(404).send({
      error: `no ops route ${request.method} ${path}`,
      routes: [...[...builtinPaths].map((p) => (p === "/publish" ? `POST ${p}` : `GET ${p}`)), ...table.list()],
    });
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
