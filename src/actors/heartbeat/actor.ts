import { defineActor } from "../../runtime/actor-definition.js";

/** Options of the `heartbeat` kind. */
export interface HeartbeatOptions {
  /** Period of the heartbeat. Default 5,000 ms. */
  everyMs: number;
  /** Topic it publishes on. Default `runtime.heartbeat`. */
  topic: string;
}

/** Publishes `{ runtime, seq, uptimeMs, at }` on `runtime.heartbeat` so a running system is visible from outside. */
export const heartbeatActor = defineActor<HeartbeatOptions>({
  kind: "heartbeat",
  description: "publishes runtime.heartbeat every few seconds",
  options: {
    type: "object",
    additionalProperties: false,
    properties: {
      everyMs: { type: "integer", minimum: 10, default: 5000, description: "interval between heartbeats, ms" },
      topic: { type: "string", default: "runtime.heartbeat", description: "topic to publish on" },
    },
  },
  start(ctx) {
    const startedAt = Date.now();
    let seq = 0;
    const beat = () => {
      seq += 1;
      const payload = { runtime: ctx.runtimeName ?? "plexus", seq, uptimeMs: Date.now() - startedAt, at: new Date().toISOString() };
      // A failed heartbeat (transport down, outbox full) is logged by the Bus; the next beat tries again.
      ctx.bus.publish(ctx.options.topic, payload).catch((error: unknown) => ctx.log.warn({ err: error }, "heartbeat publish failed"));
    };
    beat();
    const timer = setInterval(beat, ctx.options.everyMs);
    return () => clearInterval(timer);
  },
});
