import { defineActor } from "plexus";
import { seedLifecycle, type SeedLifecycleEvent } from "./seed-lifecycle.js";

/** Topic on which a seed takes its commands (a `SeedLifecycleEvent` as payload). */
export const seedCommandTopic = (seedId: string): string => `seeds.${seedId}.command`;

/**
 * A machine-form kind: one seed slot, its lifecycle an xstate machine hosted by plexus.
 * - Commands arrive on `seeds.<seedId>.command`; one the current state does not accept is counted
 *   and logged by plexus, not sent.
 * - The lifecycle events the machine emits are published as `seeds.<seedId>.germinated`,
 *   `.grafted`, `.fossilized`, `.culled`.
 * - `persist: true`: the machine's snapshot is saved in the runtime's stateDir, so a restart (of
 *   the actor or of the whole service) resumes the seed where it was.
 */
export const seedKind = defineActor({
  kind: "seed",
  description: "one seed slot: the seed lifecycle, commanded over the bus",
  options: {
    type: "object",
    additionalProperties: false,
    required: ["seedId"],
    properties: {
      seedId: { type: "string", pattern: "^[A-Za-z0-9_-]+$" },
      maxFineTunes: { type: "integer", minimum: 0, default: 3 },
    },
  },
  persist: true,
  input: (ctx) => ({ seedId: ctx.options.seedId, maxFineTunes: ctx.options.maxFineTunes }),
  machine: (ctx) => {
    const announce = (what: string, payload: object) => void ctx.bus.publish(`seeds.${ctx.options.seedId}.${what}`, payload);
    // The machine emits its lifecycle events; here they become bus messages.
    return seedLifecycle.provide({
      actions: {
        germinated: ({ context }) => announce("germinated", { seedId: context.seedId }),
        grafted: ({ context }) => announce("grafted", { seedId: context.seedId }),
        fossilized: ({ context }) => announce("fossilized", { seedId: context.seedId }),
        culled: ({ context, event }) =>
          announce("culled", {
            seedId: context.seedId,
            reason: event.type === "CULL" ? (event.reason ?? "culled by command") : `culled on ${event.type}`,
          }),
      },
    });
  },
  events: (ctx) => ({
    [seedCommandTopic(ctx.options.seedId)]: (envelope): SeedLifecycleEvent => {
      const command = envelope.payload as { type?: unknown } | null;
      // Thrown, the message is counted as a handler error and dead-lettered with this reason.
      if (typeof command?.type !== "string")
        throw new Error(`a seed command needs a string "type", got ${JSON.stringify(envelope.payload)}`);
      return command as SeedLifecycleEvent;
    },
  }),
});
