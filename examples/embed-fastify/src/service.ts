import { fastify, type FastifyInstance } from "fastify";
import { createRuntime, PlexusError, type Envelope, type PlexusConfig, type Runtime } from "plexus";
import { doubler } from "./doubler.js";
import { orderLedger, type Order, type OrderTotals } from "./order-ledger.js";
import { seedCommandTopic, seedKind } from "./seed-kind.js";
import { SEED_EVENT_TYPES } from "./seed-lifecycle.js";

/** How the service is set up. */
export interface ServiceOptions {
  /** Where actors keep their state (the ledger's totals, the seeds' snapshots). */
  stateDir: string;
  /** The seed slots to host. @defaultValue ["alpha"] */
  seeds?: readonly string[];
  /** fastify's logger option; plexus logs through the same logger. @defaultValue false */
  logger?: boolean;
}

/** A fastify app with a plexus runtime inside it. */
export interface Service {
  app: FastifyInstance;
  runtime: Runtime;
}

/** How long a route waits for an actor to answer a request. */
const REQUEST_TIMEOUT_MS = 2_000;

/**
 * Builds the service: a plexus runtime (memory transport, no ops server of its own) hosting three
 * kinds, and HTTP routes that talk to them only through the bus. Closing the app stops the runtime:
 * in-flight requests finish first, then the actors stop in reverse start order.
 */
export async function buildService(options: ServiceOptions): Promise<Service> {
  const app = fastify({ logger: options.logger ?? false });
  const config: PlexusConfig = {
    runtime: { name: "shop", stateDir: options.stateDir },
    transport: { kind: "memory" },
    supervisor: { strategy: "one_for_one", intensity: 5, period: "30s" },
    children: [
      { id: "doubler", kind: "doubler" },
      { id: "ledger", kind: "order-ledger", shutdown: "2s" },
      {
        id: "seeds",
        supervisor: { strategy: "one_for_one" },
        children: (options.seeds ?? ["alpha"]).map((seedId) => ({ id: `seed-${seedId}`, kind: "seed", options: { seedId } })),
      },
    ],
  };
  const runtime = createRuntime({ config, kinds: [doubler, orderLedger, seedKind], logger: app.log });
  await runtime.start();
  // The app stops taking requests before the runtime stops, so no route finds the bus closed.
  app.addHook("onClose", () => runtime.stop());
  // If the runtime gives up (its root supervisor failed), the service must not stay up half-dead.
  void runtime.done.then(({ reason }) => {
    if (reason) {
      app.log.error({ err: reason }, "plexus runtime failed; closing the service");
      void app.close();
    }
  });

  const seedEvents = new Map<string, Array<{ type: string; at: number; payload: unknown }>>();
  await runtime.bus.subscribe("seeds.*.*", (envelope: Envelope) => {
    const [, seedId, what] = envelope.topic.split(".");
    if (seedId === undefined || what === undefined || what === "command") return;
    const list = seedEvents.get(seedId) ?? [];
    list.push({ type: what, at: envelope.ts, payload: envelope.payload });
    seedEvents.set(seedId, list);
  });

  app.post<{ Body: Order }>(
    "/orders",
    {
      schema: {
        body: {
          type: "object",
          additionalProperties: false,
          required: ["sku", "quantity"],
          properties: { sku: { type: "string", minLength: 1 }, quantity: { type: "integer", minimum: 1 } },
        },
      },
    },
    async (request, reply) => {
      const envelope = await runtime.bus.publish("orders.created", request.body);
      return reply.code(202).send({ id: envelope.id });
    },
  );

  app.get("/orders/totals", () => runtime.bus.request<OrderTotals>("orders.totals", {}, { timeoutMs: REQUEST_TIMEOUT_MS }));

  app.get<{ Params: { n: string } }>("/double/:n", async (request, reply) => {
    const n = Number(request.params.n);
    if (!Number.isFinite(n)) return reply.code(400).send({ error: `not a number: ${request.params.n}` });
    return { n, doubled: await runtime.bus.request<number>("math.double", { n }, { timeoutMs: REQUEST_TIMEOUT_MS }) };
  });

  app.post<{ Params: { seedId: string }; Body: { type: string } }>(
    "/seeds/:seedId/commands",
    {
      schema: {
        body: { type: "object", required: ["type"], properties: { type: { enum: [...SEED_EVENT_TYPES] } } },
      },
    },
    async (request, reply) => {
      const envelope = await runtime.bus.publish(seedCommandTopic(request.params.seedId), request.body);
      return reply.code(202).send({ id: envelope.id });
    },
  );

  app.get<{ Params: { seedId: string } }>("/seeds/:seedId/events", (request) => ({
    seedId: request.params.seedId,
    events: seedEvents.get(request.params.seedId) ?? [],
  }));

  // Bus refusals a caller can fix (a bad topic, a contract) are 400; no answer in time is 504.
  app.setErrorHandler((error, _request, reply) => {
    if (error instanceof PlexusError) {
      const status = error.code === "REQUEST_TIMEOUT" || error.code === "NO_RESPONDERS" ? 504 : error.retryable ? 503 : 400;
      return reply.code(status).send({ error: error.message, code: error.code });
    }
    return reply.send(error);
  });

  return { app, runtime };
}
