import { defineActor } from "plexus";

/**
 * A start-form kind that answers requests: whoever calls `bus.request("math.double", { n })` gets
 * `2n` back. The subscription is opened through `ctx.bus`, so it closes when the actor stops.
 */
export const doubler = defineActor({
  kind: "doubler",
  description: "answers math.double requests with twice the number",
  options: {
    type: "object",
    additionalProperties: false,
    properties: { topic: { type: "string", default: "math.double" } },
  },
  async start(ctx) {
    await ctx.bus.subscribe<{ n: number }>(ctx.options.topic, (envelope) => {
      const n = envelope.payload.n;
      if (typeof n !== "number") throw new Error(`${ctx.options.topic} needs { n: number }, got ${JSON.stringify(envelope.payload)}`);
      return n * 2;
    });
  },
});
