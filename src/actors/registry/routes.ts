import type { FastifyInstance } from "fastify";
import { tryParseDuration } from "../../common/durations.js";
import { NAME_PATTERN, readRegistrationBody } from "./registration-body.js";
import type { Registry } from "./registry.js";

/** Longest long-poll a client may ask for. */
export const MAX_WAIT_MS = 300_000;

interface ServiceParams {
  name: string;
}
interface InstanceParams extends ServiceParams {
  id: string;
}

/** The header carrying a service's change index, for `?index=` long-polls. */
export const INDEX_HEADER = "x-registry-index";

/**
 * Mounts the native registry API: `/services`, `/services/:name`, heartbeat, deregister, and `/health`. A registration's
 * answer advises the heartbeat interval (`heartbeat`, seconds).
 */
export function mountRegistryRoutes(app: FastifyInstance, registry: Registry, heartbeatMs: number): void {
  app.get("/health", async () => {
    const status = registry.status();
    return { status: registry.evictionPaused ? "degraded" : "ok", ...status };
  });

  app.get("/services", async () => registry.serviceNames());

  app.get<{ Params: ServiceParams; Querystring: Record<string, string | undefined> }>("/services/:name", async (request, reply) => {
    const { name } = request.params;
    const wait = readWait(request.query);
    if ("error" in wait) return reply.code(400).send({ error: wait.error });
    if (wait.index !== undefined && NAME_PATTERN.test(name)) await registry.watch.wait(name, wait.index, wait.waitMs);
    const { service, index } = await registry.service(name);
    void reply.header(INDEX_HEADER, String(index));
    if (service === undefined) return reply.code(404).send({ error: `no service named ${JSON.stringify(name)} is registered` });
    return service;
  });

  app.post("/services", async (request, reply) => {
    const read = readRegistrationBody(request.body);
    if ("problems" in read)
      return reply.code(422).send({
        error: `invalid registration: ${read.problems.map((p) => `${p.field} ${p.problem}`).join("; ")}`,
        fields: read.problems,
      });
    const { instance } = await registry.register(read.registration);
    return reply.code(201).send({ name: read.registration.name, ...instance, heartbeat: heartbeatMs / 1_000 });
  });

  app.put<{ Params: InstanceParams }>("/services/:name/:id/heartbeat", async (request, reply) => {
    const { name, id } = request.params;
    const instance = await registry.heartbeat(name, id);
    if (instance === undefined)
      return reply.code(404).send({ error: `no lease for ${name}/${id} (expired, deregistered or never registered): register again` });
    return { name, ...instance };
  });

  app.delete<{ Params: InstanceParams }>("/services/:name/:id", async (request, reply) => {
    const { name, id } = request.params;
    await registry.deregister(name, id);
    // Deregistering what is already gone is not an error: the caller wanted it gone.
    return reply.code(204).send();
  });
}

/** Reads `?wait=30s&index=N`; `wait` alone or `index` alone is allowed (`wait` defaults to 30 s). */
export function readWait(query: Record<string, string | undefined>): { index?: number; waitMs: number } | { error: string } {
  let waitMs = 30_000;
  if (query.wait !== undefined) {
    const parsed = /^\d+(\.\d+)?$/.test(query.wait) ? Number(query.wait) * 1_000 : tryParseDuration(query.wait);
    if (parsed === undefined)
      return { error: `wait must be a duration such as "30s" or a number of seconds; got ${JSON.stringify(query.wait)}` };
    waitMs = Math.min(parsed, MAX_WAIT_MS);
  }
  if (query.index === undefined) return { waitMs };
  const index = Number(query.index);
  if (!Number.isInteger(index) || index < 0)
    return { error: `index must be a non-negative integer from the X-Registry-Index header; got ${JSON.stringify(query.index)}` };
  return { index, waitMs };
}
