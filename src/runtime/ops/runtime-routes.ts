import type { FastifyInstance } from "fastify";
import type { OpsTarget } from "./server.js";
import { healthBody } from "./health.js";

/** `GET /health`, `/ready`, `/metrics` and `/actors`: what the runtime reports about itself. */
export function registerRuntimeRoutes(app: FastifyInstance, target: OpsTarget): void {
  app.get("/health", async (_request, reply) => {
    const health = target.health();
    return reply
      .code(health.ok ? 200 : 503)
      .send(healthBody(target.name, health, target.tree(), target.bus.stats(), (path) => target.actorStatus?.(path)));
  });

  app.get("/ready", async (_request, reply) => {
    const { ready, state, reason } = target.health();
    return reply.code(ready ? 200 : 503).send({ ready, state, ...(reason === undefined ? {} : { reason }) });
  });

  app.get("/metrics", async (_request, reply) => reply.type(target.metrics.contentType).send(await target.metrics.render()));

  app.get("/actors", async () => target.tree());
}
