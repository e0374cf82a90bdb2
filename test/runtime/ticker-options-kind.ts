import { defineActor } from "../../src/runtime/define-actor.js";

/** A kind that does nothing but has an options schema (one required option, one default), for config tests. */
export const tickerOptionsKind = defineActor({
  kind: "ticker",
  options: {
    type: "object",
    additionalProperties: false,
    properties: { everyMs: { type: "integer", minimum: 1 }, label: { type: "string", default: "tick" } },
    required: ["everyMs"],
  },
  start() {},
});
