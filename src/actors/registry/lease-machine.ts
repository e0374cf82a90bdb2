import { assign, setup, transition, type SnapshotFrom } from "xstate";
import { decideHeartbeat, isLeaseDue, registerLease, renewLease, type Lease } from "./lease.js";

/** What a registration carries: the lease without its times. */
export type LeaseRegistration = Omit<Lease, "registeredAt" | "lastHeartbeat">;

/**
 * Events of one lease. Each carries `now` read from the registry's clock (`ctx.clock`), and the
 * registry's sweep timer on that clock sends `SWEEP`, so the machine needs no timers of its own
 * and tests drive it with a simulated clock.
 */
export type LeaseEvent =
  | { type: "REGISTER"; now: number; registration: LeaseRegistration }
  | { type: "HEARTBEAT"; now: number; evictionPaused: boolean }
  | { type: "SWEEP"; now: number; evictionPaused: boolean }
  | { type: "DEREGISTER"; now: number };

/** The states of a lease; `absent` until the first registration. */
export type LeaseState = "absent" | "registered" | "expired" | "deregistered";

/**
 * The lifecycle of one lease: registered → expired when no heartbeat arrives within its TTL
 * (unless eviction is paused), renewed by each heartbeat, registered again after expiry or
 * deregistration. The guards and updates are the pure functions of `lease.ts`.
 */
export const leaseMachine = setup({
  types: { context: {} as { lease: Lease | undefined }, events: {} as LeaseEvent },
  guards: {
    heartbeatRenews: ({ context, event }) =>
      event.type === "HEARTBEAT" &&
      context.lease !== undefined &&
      decideHeartbeat(context.lease, event.now, event.evictionPaused) === "renew",
    sweepExpires: ({ context, event }) =>
      event.type === "SWEEP" && !event.evictionPaused && context.lease !== undefined && isLeaseDue(context.lease, event.now),
  },
  actions: {
    register: assign({
      lease: ({ context, event }) =>
        event.type === "REGISTER" ? registerLease(context.lease, event.registration, event.now) : context.lease,
    }),
    registerAfresh: assign({
      lease: ({ event, context }) => (event.type === "REGISTER" ? registerLease(undefined, event.registration, event.now) : context.lease),
    }),
    renew: assign({
      lease: ({ context, event }) =>
        context.lease !== undefined && event.type === "HEARTBEAT" ? renewLease(context.lease, event.now) : context.lease,
    }),
  },
}).createMachine({
  id: "lease",
  context: { lease: undefined },
  initial: "absent",
  states: {
    absent: { on: { REGISTER: { target: "registered", actions: "registerAfresh" } } },
    registered: {
      on: {
        REGISTER: { target: "registered", actions: "register" },
        HEARTBEAT: [{ guard: "heartbeatRenews", actions: "renew" }, { target: "expired" }],
        SWEEP: { guard: "sweepExpires", target: "expired" },
        DEREGISTER: { target: "deregistered" },
      },
    },
    expired: { on: { REGISTER: { target: "registered", actions: "registerAfresh" } } },
    deregistered: { on: { REGISTER: { target: "registered", actions: "registerAfresh" } } },
  },
});

/** A lease's state and data, as stores keep it between events. */
export interface LeaseRecord {
  state: LeaseState;
  lease: Lease | undefined;
}

export const ABSENT_LEASE: LeaseRecord = Object.freeze({ state: "absent", lease: undefined });

/** Applies `event` to a lease kept as `record` through the lease machine (a pure step: no actor, no timers). */
export function stepLease(record: LeaseRecord, event: LeaseEvent): LeaseRecord {
  const snapshot: SnapshotFrom<typeof leaseMachine> = leaseMachine.resolveState({ value: record.state, context: { lease: record.lease } });
  const [next] = transition(leaseMachine, snapshot, event);
  return { state: next.value as LeaseState, lease: next.context.lease };
}
