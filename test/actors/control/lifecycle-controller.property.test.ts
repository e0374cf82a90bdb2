import { rm } from "node:fs/promises";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { ReplayPage } from "../../../src/actors/control/actor.js";
import type { LifecycleAck, LoggedTransition } from "../../../src/actors/control/lifecycle-ack.js";
import type { ActorStateStore, ActorStorage } from "../../../src/runtime/actor-context.js";
import { createMemoryStateStore, createTestBus, SimulatedClock, type TestBus } from "../../../src/testing/index.js";
import { startController, tempStateDir, type RunningController } from "./controller-harness.js";

/** The seed lifecycle written out by hand, independently of the YAML and its compiler: the model's rules. */
const MOVES: Record<string, Record<string, string>> = {
  DORMANT: { GERMINATE: "GERMINATED" },
  GERMINATED: { CANCEL: "DORMANT", START_TRAINING: "TRAINING" },
  TRAINING: { START_GRAFTING: "BLENDING", CULL: "CULLED" },
  BLENDING: { STABILIZE: "SHADOWING", CULL: "CULLED" },
  SHADOWING: { EVALUATE: "PROBATIONARY", CULL: "CULLED" },
  PROBATIONARY: { FINE_TUNE: "TRAINING", FOSSILIZE: "FOSSILIZED", CULL: "CULLED" },
  CULLED: { EMBARGO: "EMBARGOED" },
  EMBARGOED: { LIFT_EMBARGO: "RESETTING" },
  RESETTING: { RESET_COMPLETE: "DORMANT" },
  FOSSILIZED: {},
  TERMINATED: {},
};
const TERMINAL = new Set(["FOSSILIZED", "TERMINATED"]);
const OPERATIONS = [...new Set(Object.values(MOVES).flatMap((moves) => Object.keys(moves))), "TERMINATE", "LAUNCH"];
const ENTITIES = ["s1", "s2", "s3"];

function expectedMove(state: string, operation: string): string | undefined {
  if (TERMINAL.has(state)) return undefined;
  if (operation === "TERMINATE") return "TERMINATED";
  return MOVES[state]?.[operation];
}

interface Model {
  entities: Map<string, string>;
  acks: Map<string, LifecycleAck>;
  /** Commands sent so far, to repeat. */
  sent: Array<{ commandId: string; entityId: string; operation: string }>;
  lastSeq: number;
  nextId: number;
}

interface Real {
  bus: TestBus;
  state: ActorStateStore;
  storage: ActorStorage;
  clock: SimulatedClock;
  controller: RunningController;
  events(): LoggedTransition[];
}

const stateOf = (model: Model, entity: string) => model.entities.get(entity) ?? "DORMANT";

/** Sends one command and checks its ack and its event against the model; then updates the model. */
async function sendAndCheck(model: Model, real: Real, command: { commandId: string; entityId: string; operation: string }): Promise<void> {
  real.clock.advance(1_000);
  const eventsBefore = real.events().length;
  const ack = await real.bus.request<LifecycleAck>("kasmina.control.lifecycle.transition", command, { timeoutMs: 5_000 });
  const remembered = model.acks.get(command.commandId);
  if (remembered !== undefined) {
    // Duplicates are idempotent: the original ack, and nothing moves.
    expect(ack).toEqual(remembered);
    expect(real.events()).toHaveLength(eventsBefore);
    return;
  }
  const from = stateOf(model, command.entityId);
  const to = expectedMove(from, command.operation);
  if (to === undefined) {
    // Illegal: rejected with a reason, and nothing changes (terminal states stay terminal).
    expect(ack).toMatchObject({ commandId: command.commandId, entityId: command.entityId, accepted: false, from, to: from });
    expect(ack.reason).toEqual(expect.any(String));
    expect(real.events()).toHaveLength(eventsBefore);
  } else {
    model.lastSeq++;
    expect(ack).toEqual({ commandId: command.commandId, entityId: command.entityId, accepted: true, from, to, seq: model.lastSeq });
    // Accepted transitions and events correspond one to one.
    const events = real.events();
    expect(events).toHaveLength(eventsBefore + 1);
    expect(events[events.length - 1]).toMatchObject({ seq: model.lastSeq, commandId: command.commandId, from, to });
    model.entities.set(command.entityId, to);
  }
  model.acks.set(command.commandId, ack);
  model.sent.push(command);
}

class SendNew implements fc.AsyncCommand<Model, Real> {
  constructor(
    readonly entity: number,
    readonly pick: number,
    readonly legal: boolean,
  ) {}
  check = () => true;
  async run(model: Model, real: Real): Promise<void> {
    const entityId = this.entity < ENTITIES.length ? (ENTITIES[this.entity] as string) : `fresh-${model.nextId}`;
    const allowed = TERMINAL.has(stateOf(model, entityId)) ? [] : [...Object.keys(MOVES[stateOf(model, entityId)] ?? {}), "TERMINATE"];
    // Mostly legal moves, so entities travel the whole lifecycle; the rest anything, unknown operations included.
    const choices = this.legal && allowed.length > 0 ? allowed.filter((op) => op !== "TERMINATE" || this.pick % 5 === 0) : OPERATIONS;
    const operation = choices[this.pick % choices.length] ?? "TERMINATE";
    await sendAndCheck(model, real, { commandId: `cmd-${model.nextId++}`, entityId, operation });
  }
  toString = () => `SendNew(${this.entity}, ${this.pick}, ${this.legal})`;
}

class Repeat implements fc.AsyncCommand<Model, Real> {
  constructor(
    readonly pick: number,
    readonly otherOperation: boolean,
  ) {}
  check = (model: Readonly<Model>) => model.sent.length > 0;
  async run(model: Model, real: Real): Promise<void> {
    const original = model.sent[this.pick % model.sent.length] as Model["sent"][number];
    // A repeat is recognised by its commandId alone, whatever else it says.
    const operation = this.otherOperation ? "TERMINATE" : original.operation;
    await sendAndCheck(model, real, { ...original, operation });
  }
  toString = () => `Repeat(${this.pick}, ${this.otherOperation})`;
}

class Restart implements fc.AsyncCommand<Model, Real> {
  constructor(readonly loseSnapshot: boolean) {}
  check = () => true;
  async run(model: Model, real: Real): Promise<void> {
    await real.controller.stop();
    if (this.loseSnapshot) {
      // Only the event log is left: accepted commands come back from it, rejections are forgotten.
      real.state = createMemoryStateStore();
      for (const [id, ack] of model.acks) if (!ack.accepted) model.acks.delete(id);
    }
    real.controller = await startController({
      bus: real.bus,
      state: real.state,
      storage: real.storage,
      clock: real.clock,
      options: { snapshotEvery: 3 },
    });
    expect(real.controller.status()).toMatchObject({ lastSeq: model.lastSeq });
  }
  toString = () => `Restart(${this.loseSnapshot ? "snapshot lost" : "snapshot kept"})`;
}

class ReplayAll implements fc.AsyncCommand<Model, Real> {
  check = () => true;
  async run(model: Model, real: Real): Promise<void> {
    const events: LoggedTransition[] = [];
    let next = 1;
    for (;;) {
      const page = await real.bus.request<ReplayPage>("kasmina.events.replay", { fromSeq: next, limit: 4 });
      events.push(...page.events);
      if (page.events.length === 0 || page.nextSeq > page.lastSeq) break;
      next = page.nextSeq;
    }
    // Seqs are contiguous, each command applied once, and folding the log gives the model's states.
    expect(events.map((event) => event.seq)).toEqual(Array.from({ length: model.lastSeq }, (_, index) => index + 1));
    expect(new Set(events.map((event) => event.commandId)).size).toBe(events.length);
    const replayed = new Map<string, string>();
    for (const event of events) {
      expect(event.from).toBe(replayed.get(event.entityId) ?? "DORMANT");
      replayed.set(event.entityId, event.to);
    }
    expect(replayed).toEqual(model.entities);
  }
  toString = () => "ReplayAll";
}

const commands = fc.commands(
  [
    fc
      .tuple(fc.integer({ min: 0, max: ENTITIES.length }), fc.nat(1000), fc.boolean())
      .map(([e, p, l]) => new SendNew(e, p, l || p % 3 !== 0)),
    fc.tuple(fc.nat(1000), fc.boolean()).map(([p, o]) => new Repeat(p, o)),
    fc.boolean().map((lose) => new Restart(lose)),
    fc.constant(new ReplayAll()),
  ],
  { maxCommands: 60 },
);

describe("lifecycle-controller, model-based", () => {
  it("agrees with a model of the seed lifecycle under random commands, repeats, illegal operations and restarts", async () => {
    await fc.assert(
      fc.asyncProperty(commands, async (cmds) => {
        const bus = createTestBus({ source: "client" });
        const storage: ActorStorage = { stateDir: await tempStateDir(), transport: { kind: "memory" } };
        const clock = new SimulatedClock(Date.UTC(2026, 0, 1));
        const state = createMemoryStateStore();
        const events: LoggedTransition[] = [];
        await bus.subscribe("kasmina.events.seed.>", (envelope) => void events.push(envelope.payload as LoggedTransition));
        const controller = await startController({ bus, state, storage, clock, options: { snapshotEvery: 3 } });
        const real: Real = { bus, state, storage, clock, controller, events: () => events };
        const model: Model = { entities: new Map(), acks: new Map(), sent: [], lastSeq: 0, nextId: 1 };
        try {
          await fc.asyncModelRun(() => ({ model, real }), cmds);
          await new ReplayAll().run(model, real);
        } finally {
          await real.controller.stop();
          await bus.close();
          await rm(storage.stateDir, { recursive: true, force: true });
        }
      }),
      { numRuns: 40 },
    );
  });
});
