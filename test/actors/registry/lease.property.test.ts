import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { decideEviction, EVICTION_RUNNING, type EvictionSettings } from "../../../src/actors/registry/eviction-guard.js";
import { leaseExpiresAt } from "../../../src/actors/registry/lease.js";
import { ABSENT_LEASE, stepLease, type LeaseRecord } from "../../../src/actors/registry/lease-machine.js";
import { MemoryRegistryStore } from "../../../src/actors/registry/memory/store.js";
import { Registry, type RegistryEvent } from "../../../src/actors/registry/registry.js";
import { silentLogger } from "../../../src/common/logger.js";
import { Metrics } from "../../../src/common/metrics.js";
import { SimulatedClock } from "../../../src/testing/simulated-clock.js";

/**
 * Model-based suites of the lease lifecycle, on a simulated clock. The model of a lease is the
 * time of its last heartbeat and its TTL; a lease is live iff a heartbeat (or the registration)
 * came within its TTL.
 */

const SWEEP_MS = 1_000;
const IDS = ["a", "b", "c", "d"];

describe("lease machine (pure steps)", () => {
  type Cmd =
    | { kind: "register"; ttl: number }
    | { kind: "heartbeat" }
    | { kind: "sweep"; paused: boolean }
    | { kind: "deregister" }
    | { kind: "advance"; ms: number };
  const command: fc.Arbitrary<Cmd> = fc.oneof(
    fc.record({ kind: fc.constant("register" as const), ttl: fc.integer({ min: 1, max: 50 }) }),
    fc.constant({ kind: "heartbeat" as const }),
    fc.record({ kind: fc.constant("sweep" as const), paused: fc.boolean() }),
    fc.constant({ kind: "deregister" as const }),
    fc.record({ kind: fc.constant("advance" as const), ms: fc.integer({ min: 0, max: 80 }) }),
  );

  it("expires iff no heartbeat within the TTL, renews on heartbeats, registers again after expiry or deregistration", () => {
    fc.assert(
      fc.property(fc.array(command, { maxLength: 60 }), (commands) => {
        let now = 0;
        let record: LeaseRecord = ABSENT_LEASE;
        // model: undefined = not registered; else the last renewal and TTL
        let model: { last: number; ttl: number; registeredAt: number } | undefined;
        let modelState: LeaseRecord["state"] = "absent";
        for (const cmd of commands) {
          if (cmd.kind === "advance") {
            now += cmd.ms;
            continue;
          }
          if (cmd.kind === "register") {
            record = stepLease(record, {
              type: "REGISTER",
              now,
              registration: { name: "s", id: "i", url: "http://x", meta: {}, ttlMs: cmd.ttl },
            });
            const keep = modelState === "registered" && model !== undefined;
            model = { last: now, ttl: cmd.ttl, registeredAt: keep ? model!.registeredAt : now };
            modelState = "registered";
          } else if (cmd.kind === "heartbeat") {
            record = stepLease(record, { type: "HEARTBEAT", now, evictionPaused: false });
            if (modelState === "registered" && model !== undefined) {
              if (now - model.last >= model.ttl) modelState = "expired";
              else model.last = now;
            }
          } else if (cmd.kind === "sweep") {
            record = stepLease(record, { type: "SWEEP", now, evictionPaused: cmd.paused });
            if (modelState === "registered" && model !== undefined && !cmd.paused && now - model.last >= model.ttl) modelState = "expired";
          } else {
            record = stepLease(record, { type: "DEREGISTER", now });
            if (modelState === "registered") modelState = "deregistered";
          }
          expect(record.state).toBe(modelState);
          if (modelState === "registered") {
            expect(record.lease!.lastHeartbeat).toBe(model!.last);
            expect(record.lease!.registeredAt).toBe(model!.registeredAt);
            expect(leaseExpiresAt(record.lease!)).toBe(model!.last + model!.ttl);
          }
        }
      }),
      { numRuns: 300 },
    );
  });
});

/** Steps the simulated clock timer by timer, letting each sweep finish before the next. */
async function advance(clock: SimulatedClock, registry: Registry, ms: number): Promise<void> {
  const target = clock.now() + ms;
  for (let due = clock.nextDue(); due !== undefined && due <= target; due = clock.nextDue()) {
    clock.advanceTo(due);
    await registry.idle();
  }
  clock.advanceTo(target);
}

interface System {
  clock: SimulatedClock;
  registry: Registry;
  events: Array<{ topic: string; payload: RegistryEvent }>;
  alarms: string[];
}

function createSystem(eviction: EvictionSettings): System {
  const clock = new SimulatedClock(1_000_000);
  const events: System["events"] = [];
  const alarms: string[] = [];
  const log = silentLogger();
  const recording = Object.assign(Object.create(log) as typeof log, {
    error: (_fields: unknown, message: string) => void alarms.push(`error: ${message}`),
    warn: (_fields: unknown, message: string) => void alarms.push(`warn: ${message}`),
  });
  const registry = new Registry(
    new MemoryRegistryStore(),
    { defaultTtlMs: 10_000, eviction, sweepMs: SWEEP_MS, renewedEventEvery: 0, watchPollMs: undefined },
    { clock, log: recording, metrics: new Metrics(), publish: (topic, payload) => void events.push({ topic, payload }) },
  );
  registry.start();
  return { clock, registry, events, alarms };
}

async function listed(registry: Registry): Promise<string[]> {
  return ((await registry.service("svc")).service?.instances ?? []).map((instance) => instance.id).sort();
}

describe("registry leases on a simulated clock (fc.commands)", () => {
  interface Model {
    now: number;
    /** Live (not yet expired) leases: last renewal and TTL. */
    leases: Map<string, { last: number; ttl: number }>;
  }
  type Real = System;

  /** Sweeps run at every multiple of SWEEP_MS after the start; expire what is due at that moment. */
  function modelAdvance(model: Model, ms: number): void {
    const target = model.now + ms;
    let next = Math.floor(model.now / SWEEP_MS) * SWEEP_MS + SWEEP_MS;
    while (next <= target) {
      for (const [id, lease] of model.leases) if (next >= lease.last + lease.ttl) model.leases.delete(id);
      next += SWEEP_MS;
    }
    model.now = target;
  }

  class Register implements fc.AsyncCommand<Model, Real> {
    constructor(
      readonly id: string,
      readonly ttl: number,
    ) {}
    check = () => true;
    async run(model: Model, real: Real): Promise<void> {
      await real.registry.register({ name: "svc", id: this.id, url: `http://${this.id}.test`, meta: {}, ttlMs: this.ttl });
      model.leases.set(this.id, { last: model.now, ttl: this.ttl });
      expect(await listed(real.registry)).toEqual([...model.leases.keys()].sort());
    }
    toString = () => `register(${this.id}, ttl ${this.ttl})`;
  }

  class Heartbeat implements fc.AsyncCommand<Model, Real> {
    constructor(readonly id: string) {}
    check = () => true;
    async run(model: Model, real: Real): Promise<void> {
      const renewed = await real.registry.heartbeat("svc", this.id);
      const lease = model.leases.get(this.id);
      const expected = lease !== undefined && model.now < lease.last + lease.ttl;
      if (lease !== undefined && !expected) model.leases.delete(this.id);
      if (expected) lease!.last = model.now;
      expect(renewed !== undefined).toBe(expected);
    }
    toString = () => `heartbeat(${this.id})`;
  }

  class Deregister implements fc.AsyncCommand<Model, Real> {
    constructor(readonly id: string) {}
    check = () => true;
    async run(model: Model, real: Real): Promise<void> {
      await real.registry.deregister("svc", this.id);
      model.leases.delete(this.id);
      expect(await listed(real.registry)).toEqual([...model.leases.keys()].sort());
    }
    toString = () => `deregister(${this.id})`;
  }

  class Advance implements fc.AsyncCommand<Model, Real> {
    constructor(readonly ms: number) {}
    check = () => true;
    async run(model: Model, real: Real): Promise<void> {
      const before = new Set(model.leases.keys());
      await advance(real.clock, real.registry, this.ms);
      modelAdvance(model, this.ms);
      expect(await listed(real.registry)).toEqual([...model.leases.keys()].sort());
      // Expiry granularity: nothing listed is overdue by a whole sweep period or more.
      for (const instance of (await real.registry.service("svc")).service?.instances ?? [])
        expect(real.clock.now() - Date.parse(instance.expiresAt)).toBeLessThan(SWEEP_MS);
      const expired = real.events.filter((event) => event.topic === "registry.expired").map((event) => event.payload.id);
      for (const id of before) if (!model.leases.has(id)) expect(expired).toContain(id);
    }
    toString = () => `advance(${this.ms})`;
  }

  const commands = [
    fc.tuple(fc.constantFrom(...IDS), fc.integer({ min: 1_000, max: 5_000 })).map(([id, ttl]) => new Register(id, ttl)),
    fc.constantFrom(...IDS).map((id) => new Heartbeat(id)),
    fc.constantFrom(...IDS).map((id) => new Deregister(id)),
    fc.integer({ min: 0, max: 3_000 }).map((ms) => new Advance(ms)),
  ];

  it("an instance expires iff no heartbeat arrives within its TTL; re-registration after expiry works; expiry lags at most one sweep", async () => {
    await fc.assert(
      fc.asyncProperty(fc.commands(commands, { maxCommands: 40 }), async (cmds) => {
        const real = createSystem({ pauseShare: 1, windowMs: 10_000, minInstances: 0 });
        const model: Model = { now: real.clock.now(), leases: new Map() };
        try {
          await fc.asyncModelRun(() => ({ model, real }), cmds);
        } finally {
          await real.registry.stop();
        }
      }),
      { numRuns: 100 },
    );
  });
});

describe("eviction safety", () => {
  const settings: EvictionSettings = { pauseShare: 0.15, windowMs: 5_000, minInstances: 10 };
  const FLEET = Array.from({ length: 20 }, (_, i) => `i${i}`);
  const TTL = 3_000;

  async function fleet(): Promise<System> {
    const system = createSystem(settings);
    for (const id of FLEET) await system.registry.register({ name: "svc", id, url: `http://${id}.test`, meta: {}, ttlMs: TTL });
    return system;
  }

  /** Advances `seconds` seconds, `beating` instances heartbeating once per second. */
  async function run(system: System, beating: readonly string[], seconds: number): Promise<void> {
    for (let s = 0; s < seconds; s++) {
      for (const id of beating) await system.registry.heartbeat("svc", id);
      await advance(system.clock, system.registry, 1_000);
    }
  }

  it("pauses when a large share stops renewing, raises the alarm, expires nothing, and resumes when renewals come back", async () => {
    const system = await fleet();
    await run(system, FLEET.slice(0, 10), 6);
    expect(system.registry.evictionPaused).toBe(true);
    expect(system.registry.status()).toMatchObject({ degraded: true, evictionPaused: true, overdue: 10 });
    expect(system.alarms.some((line) => line.includes("ALARM"))).toBe(true);
    expect(await listed(system.registry)).toHaveLength(20);
    await run(system, FLEET, 2);
    expect(system.registry.evictionPaused).toBe(false);
    expect(system.alarms.some((line) => line.includes("renewals recovered"))).toBe(true);
    expect(await listed(system.registry)).toHaveLength(20);
    expect(system.events.filter((event) => event.topic === "registry.expired")).toHaveLength(0);
    await system.registry.stop();
  });

  it("does not stay stuck after a legitimate scale-down: the live set becomes the baseline and the leavers expire", async () => {
    const system = await fleet();
    const kept = FLEET.slice(0, 10);
    await run(system, kept, 4);
    expect(system.registry.evictionPaused).toBe(true);
    await run(system, kept, settings.windowMs / 1_000 + 2);
    expect(system.registry.evictionPaused).toBe(false);
    expect(system.alarms.some((line) => line.includes("new baseline"))).toBe(true);
    expect(await listed(system.registry)).toEqual([...kept].sort());
    // The departure that was accepted does not pause eviction again.
    await run(system, kept, 10);
    expect(system.registry.evictionPaused).toBe(false);
    await system.registry.stop();
  });

  it("whatever the renewals did, once the same instances keep renewing for a window eviction runs and exactly they are listed (fc)", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(fc.subarray(FLEET), fc.integer({ min: 1, max: 4 })), { minLength: 1, maxLength: 6 }),
        fc.subarray(FLEET),
        async (phases, final) => {
          const system = await fleet();
          try {
            for (const [beating, seconds] of phases) await run(system, beating, seconds);
            await run(system, final, settings.windowMs / 1_000 + TTL / 1_000 + 3);
            expect(system.registry.evictionPaused).toBe(false);
            const alive = new Set((await listed(system.registry)).filter((id) => final.includes(id)));
            expect(await listed(system.registry)).toEqual([...alive].sort());
          } finally {
            await system.registry.stop();
          }
        },
      ),
      { numRuns: 40 },
    );
  });

  it("decideEviction: never pauses below minInstances, and a pause that sees no new departures for a window ends", () => {
    expect(decideEviction(EVICTION_RUNNING, { live: 5, due: 4, expiredInWindow: 0 }, 0, settings)).toMatchObject({
      expire: true,
      state: { paused: false },
    });
    const paused = decideEviction(EVICTION_RUNNING, { live: 10, due: 10, expiredInWindow: 0 }, 0, settings);
    expect(paused).toMatchObject({ expire: false, change: "paused" });
    const still = decideEviction(paused.state, { live: 10, due: 10, expiredInWindow: 0 }, 4_999, settings);
    expect(still).toMatchObject({ expire: false, state: { paused: true } });
    expect(decideEviction(still.state, { live: 10, due: 10, expiredInWindow: 0 }, 5_000, settings)).toMatchObject({
      expire: true,
      change: "resumed",
      reason: "new-baseline",
      resetWindow: true,
    });
  });
});
