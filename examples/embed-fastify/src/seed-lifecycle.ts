import { assign, emit, setup } from "xstate";

/**
 * The lifecycle of a seed: a small module grown inside a host model, trained on its own, blended
 * into the host, watched in the shadows and on probation, and finally fossilized (frozen into the
 * host for good) — or culled on the way, embargoed for a while and reset to dormant so the slot
 * can germinate again. TERMINATED is administrative: an operator retires the slot from any state
 * that is not final.
 *
 *   DORMANT → GERMINATED → TRAINING → BLENDING → SHADOWING → PROBATIONARY → FOSSILIZED
 *                ↓ CANCEL     └──────── CULL ─────────┴─────────────┘
 *             DORMANT        CULLED → EMBARGOED → RESETTING → DORMANT
 *
 * The machine only decides; the service around it carries out the work and sends the events
 * (commands from the control topic, results of training and evaluation, the embargo timer), so a
 * command that the current state does not accept is simply not taken — `snapshot.can(command)`
 * says which are. The lifecycle events a service publishes on the bus (`seed.germinated`,
 * `seed.grafted`, `seed.fossilized`, `seed.culled`) are emitted: `actor.on("seed.culled", …)`.
 */

/** What the lifecycle is started with. */
export interface SeedLifecycleInput {
  seedId: string;
  /** FINE_TUNE rounds allowed on probation; one more culls the seed. @defaultValue 3 */
  maxFineTunes?: number;
}

/** What the lifecycle remembers. */
export interface SeedLifecycleContext {
  seedId: string;
  /** Blend factor of the seed's output into the host, 0 → 1 while BLENDING; 1 once stable. */
  alpha: number;
  fineTunes: number;
  maxFineTunes: number;
  /** Times this slot was culled. */
  culls: number;
}

/** Commands and results the lifecycle acts on. */
export type SeedLifecycleEvent =
  | { type: "GERMINATE" }
  | { type: "CANCEL" }
  | { type: "START_TRAINING" }
  | { type: "START_GRAFTING" }
  /** Reports the blend factor reached; at 1 the blend is stable and shadowing starts. */
  | { type: "STABILIZE"; alpha: number }
  /** Result of evaluating the shadowed seed against the host. */
  | { type: "EVALUATE"; passed: boolean }
  | { type: "FINE_TUNE" }
  | { type: "FOSSILIZE" }
  | { type: "CULL"; reason?: string }
  | { type: "EMBARGO" }
  /** The embargo period is over (the service's timer sends it). */
  | { type: "LIFT_EMBARGO" }
  | { type: "RESET_COMPLETE" }
  | { type: "TERMINATE" };

/** Every event type the lifecycle knows: what a command's `type` may be. */
export const SEED_EVENT_TYPES = [
  "GERMINATE",
  "CANCEL",
  "START_TRAINING",
  "START_GRAFTING",
  "STABILIZE",
  "EVALUATE",
  "FINE_TUNE",
  "FOSSILIZE",
  "CULL",
  "EMBARGO",
  "LIFT_EMBARGO",
  "RESET_COMPLETE",
  "TERMINATE",
] as const satisfies ReadonlyArray<SeedLifecycleEvent["type"]>;

/** Lifecycle events for the bus. */
export type SeedLifecycleEmitted =
  | { type: "seed.germinated"; seedId: string }
  | { type: "seed.grafted"; seedId: string }
  | { type: "seed.fossilized"; seedId: string }
  | { type: "seed.culled"; seedId: string; reason: string };

/** Every state of the lifecycle. */
export const SEED_STATES = [
  "DORMANT",
  "GERMINATED",
  "TRAINING",
  "BLENDING",
  "SHADOWING",
  "PROBATIONARY",
  "FOSSILIZED",
  "CULLED",
  "EMBARGOED",
  "RESETTING",
  "TERMINATED",
] as const;

/** A state of the lifecycle. */
export type SeedState = (typeof SEED_STATES)[number];

const cull = { target: "CULLED", actions: ["countCull", "culled"] } as const;

/** The seed lifecycle machine. */
export const seedLifecycle = setup({
  types: {
    input: {} as SeedLifecycleInput,
    context: {} as SeedLifecycleContext,
    events: {} as SeedLifecycleEvent,
    emitted: {} as SeedLifecycleEmitted,
  },
  guards: {
    blendStable: ({ event }) => event.type === "STABILIZE" && event.alpha >= 1,
    evaluationPassed: ({ event }) => event.type === "EVALUATE" && event.passed,
    fineTuneAllowed: ({ context }) => context.fineTunes < context.maxFineTunes,
  },
  actions: {
    germinated: emit(({ context }) => ({ type: "seed.germinated" as const, seedId: context.seedId })),
    grafted: emit(({ context }) => ({ type: "seed.grafted" as const, seedId: context.seedId })),
    // A report lower than what was reached is stale (reports can overtake each other): alpha never goes back.
    blend: assign({
      alpha: ({ context, event }) => (event.type === "STABILIZE" ? Math.min(1, Math.max(context.alpha, event.alpha)) : context.alpha),
    }),
    fineTuned: assign({ fineTunes: ({ context }) => context.fineTunes + 1 }),
    fossilized: emit(({ context }) => ({ type: "seed.fossilized" as const, seedId: context.seedId })),
    countCull: assign({ culls: ({ context }) => context.culls + 1 }),
    culled: emit(({ context, event }) => ({
      type: "seed.culled" as const,
      seedId: context.seedId,
      reason: event.type === "CULL" ? (event.reason ?? "culled by command") : `culled on ${event.type}`,
    })),
    reset: assign({ alpha: 0, fineTunes: 0 }),
  },
}).createMachine({
  id: "seed-lifecycle",
  context: ({ input }) => ({ seedId: input.seedId, alpha: 0, fineTunes: 0, maxFineTunes: input.maxFineTunes ?? 3, culls: 0 }),
  initial: "DORMANT",
  // TERMINATE is written into every state that is not final rather than once on the root: a
  // service that computes states with xstate's pure `transition()` (from stored snapshots) would
  // otherwise move a FOSSILIZED seed to TERMINATED, because the root's transitions apply to a
  // finished snapshot too.
  states: {
    DORMANT: { on: { GERMINATE: { target: "GERMINATED", actions: "germinated" }, TERMINATE: "TERMINATED" } },
    // Nothing has been trained yet: a cancel returns the slot as it was, with no embargo.
    GERMINATED: { on: { START_TRAINING: "TRAINING", CANCEL: "DORMANT", TERMINATE: "TERMINATED" } },
    TRAINING: { on: { START_GRAFTING: { target: "BLENDING", actions: ["reset", "grafted"] }, CULL: cull, TERMINATE: "TERMINATED" } },
    BLENDING: {
      on: {
        STABILIZE: [{ guard: "blendStable", target: "SHADOWING", actions: "blend" }, { actions: "blend" }],
        CULL: cull,
        TERMINATE: "TERMINATED",
      },
    },
    SHADOWING: { on: { EVALUATE: [{ guard: "evaluationPassed", target: "PROBATIONARY" }, cull], CULL: cull, TERMINATE: "TERMINATED" } },
    PROBATIONARY: {
      on: {
        FINE_TUNE: [{ guard: "fineTuneAllowed", actions: "fineTuned" }, cull],
        FOSSILIZE: { target: "FOSSILIZED", actions: "fossilized" },
        CULL: cull,
        TERMINATE: "TERMINATED",
      },
    },
    FOSSILIZED: { type: "final" },
    CULLED: { on: { EMBARGO: "EMBARGOED", TERMINATE: "TERMINATED" } },
    EMBARGOED: { on: { LIFT_EMBARGO: "RESETTING", TERMINATE: "TERMINATED" } },
    RESETTING: { on: { RESET_COMPLETE: { target: "DORMANT", actions: "reset" }, TERMINATE: "TERMINATED" } },
    TERMINATED: { type: "final" },
  },
});
