import type { FastifyInstance, FastifyReply } from "fastify";
import { PlexusError } from "../../common/errors.js";
import type { Logger } from "../../common/logger.js";
import type { PublishOptions } from "../../transports/bus/bus.js";
import { checkPayloadDepth } from "../../transports/bus/payload-depth.js";
import type { OpsTarget } from "./server.js";
import { SseStream, type SseOptions } from "./sse.js";

/**
 * `POST /publish` and `GET /subscribe` (Server-Sent Events): the bus, reachable over HTTP. Open
 * streams are added to `streams` so that closing the server can end them.
 */
export function registerBusRoutes(
  app: FastifyInstance,
  target: OpsTarget,
  bounds: { sse: SseOptions; maxDepth: number },
  streams: Set<SseStream>,
): void {
  const { sse, maxDepth } = bounds;
  let sseCount = 0;
  app.post("/publish", async (request, reply) => {
    const parsed = parsePublishBody(request.body);
    if (typeof parsed === "string") return reply.code(400).send({ error: parsed });
    try {
      // The body came from the network: whatever the transport, nothing deeper than bus.maxDepth
      // enters the bus (in memory the Bus itself does not walk payloads).
      checkPayloadDepth(parsed.topic, parsed.payload, maxDepth);
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
    if (!pattern)
      return reply
        .code(400)
        .send({ error: "GET /subscribe needs ?pattern=<topic pattern>, e.g. /subscribe?pattern=orders.* (optional &group=NAME)" });
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
    if (
      typeof headers !== "object" ||
      headers === null ||
      Array.isArray(headers) ||
      Object.values(headers).some((v) => typeof v !== "string")
    ) {
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
