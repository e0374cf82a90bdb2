import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { failureOf } from "../helpers/failure-of.js";
import { assign, setup } from "xstate";
import { checkMachine, CheckFailure } from "../../src/testing/index.js";

type DoorEvent = { type: "OPEN" } | { type: "CLOSE" } | { type: "LOCK"; code: number } | { type: "UNLOCK"; code: number };

/** A door with a state nothing leads to: coverage must say so. */
const door = setup({
  types: { events: {} as DoorEvent },
  guards: { rightCode: ({ event }) => event.type === "UNLOCK" && event.code === 42 },
}).createMachine({
  id: "door",
  initial: "closed",
  states: {
    closed: { on: { OPEN: "open", LOCK: "locked" } },
    open: { on: { CLOSE: "closed" } },
    locked: { on: { UNLOCK: { guard: "rightCode", target: "closed" } } },
    haunted: { on: { CLOSE: "closed" } },
  },
});

const doorEvents = {
  LOCK: fc.record({ code: fc.integer({ min: 0, max: 99 }) }),
  UNLOCK: fc.record({ code: fc.constantFrom(41, 42) }),
};

/** Five NEXTs deep, OPEN counts twice: the invariant breaks only at the bottom of the graph. */
const vault = setup({
  types: { context: {} as { opened: number }, events: {} as { type: "NEXT" } | { type: "BACK" } | { type: "OPEN" } | { type: "CLOSE" } },
}).createMachine({
  id: "vault",
  context: { opened: 0 },
  initial: "s0",
  states: {
    s0: { on: { NEXT: "s1" } },
    s1: { on: { NEXT: "s2", BACK: "s0" } },
    s2: { on: { NEXT: "s3", BACK: "s1" } },
    s3: { on: { NEXT: "s4", BACK: "s2" } },
    s4: { on: { NEXT: "s5", BACK: "s3" } },
    s5: { on: { OPEN: { target: "open", actions: assign({ opened: ({ context }) => context.opened + 2 }) }, BACK: "s4" } },
    open: { on: { CLOSE: "s0" } },
  },
});

const countsOpenings = {
  "opened counts the entries into open": ({ snapshot, states }: { snapshot: { context: { opened: number } }; states: readonly string[] }) =>
    snapshot.context.opened === states.filter((state) => state === "open").length,
};

describe("checkMachine coverage", () => {
  it("reports every state and transition reached, and names what no run reached", async () => {
    for (const host of ["plexus", "direct"] as const) {
      const coverage = await checkMachine(door, { host, events: doorEvents, numRuns: 40 });
      expect(coverage.runs).toBe(40);
      expect(coverage.states).toEqual({ covered: 3, total: 4, missed: ["haunted"] });
      expect(coverage.transitions).toEqual({ covered: 4, total: 5, missed: ["haunted --CLOSE--> closed"] });
      expect(coverage.completeAfterRuns).toBeUndefined();
      expect(coverage.summary).toMatch(/^3\/4 states, 4\/5 transitions; \d+\.\d events per run \(max \d+\) over 40 runs$/);
    }
  });

  it("fails on incomplete coverage when asked to, listing what is missing", async () => {
    const failure = await failureOf(checkMachine(door, { host: "direct", events: doorEvents, numRuns: 20, requireCoverage: true }));
    expect(failure).toBeInstanceOf(CheckFailure);
    expect(failure?.message).toMatch(
      /checkMachine\(door\): coverage incomplete after 20 runs .*never reached:\n {2}state haunted\n {2}transition haunted --CLOSE--> closed\n/,
    );
  });

  it("reaches a guarded transition when the payloads can open it, and names the guard", async () => {
    const coverage = await checkMachine(door, { host: "direct", events: doorEvents, numRuns: 60 });
    expect(coverage.transitions.missed).toEqual(["haunted --CLOSE--> closed"]);
    const closedLocked = await checkMachine(door, {
      host: "direct",
      events: { ...doorEvents, UNLOCK: fc.record({ code: fc.constant(41) }) },
      numRuns: 30,
    });
    expect(closedLocked.transitions.missed).toEqual(["locked --UNLOCK--> closed [rightCode]", "haunted --CLOSE--> closed"]);
  });

  it("rejects state invariants for states the machine does not have", async () => {
    await expect(checkMachine(door, { stateInvariants: { opened: () => true } })).rejects.toThrow(
      "checkMachine(door): stateInvariants name unknown state(s) opened; the machine's states are closed, open, locked, haunted",
    );
  });
});

describe("checkMachine finds bugs and shrinks them", () => {
  it("finds an invariant broken deep in the graph and shrinks it to the shortest event list", async () => {
    const failure = await failureOf(checkMachine(vault, { invariants: countsOpenings, numRuns: 200 }));
    expect(failure).toBeInstanceOf(CheckFailure);
    expect(failure?.message).toMatch(/^checkMachine\(vault\): invariant "opened counts the entries into open" broke in open after OPEN\n/);
    expect(failure?.message).toContain("\n  events: NEXT → NEXT → NEXT → NEXT → NEXT → OPEN\n");
    expect(failure?.message).toContain("\n  states: s0 → s1 → s2 → s3 → s4 → s5 → open\n");
    expect(failure?.message).toMatch(/replay with \{ seed: -?\d+, path: "[\d:]+" \}\)$/);

    // The seed and path in the message replay the shrunk case directly, the same way.
    const { seed, path } = failure as CheckFailure;
    const replayed = await failureOf(checkMachine(vault, { invariants: countsOpenings, seed, ...(path ? { path } : {}) }));
    expect(replayed?.message.split("\n").slice(0, 3)).toEqual(failure?.message.split("\n").slice(0, 3));
  });

  it("reports an error the machine throws, with its stack, and fails the hosting actor", async () => {
    const sealing = setup({ types: { events: {} as { type: "NEXT" } | { type: "BACK" } } }).createMachine({
      id: "sealing",
      initial: "s0",
      states: {
        s0: { on: { NEXT: "s1" } },
        s1: { on: { NEXT: "s2", BACK: "s0" } },
        s2: {
          entry: () => {
            throw new Error("disk full while sealing s2");
          },
        },
      },
    });
    const failure = await failureOf(checkMachine(sealing, { numRuns: 50 }));
    expect(failure?.message).toMatch(/^checkMachine\(sealing\): the machine threw:\n {4}Error: disk full while sealing s2\n {6}at /);
    expect(failure?.message).toContain("\n  events: NEXT → NEXT\n  states: s0 → s1 → s1 (threw)\n");
  });

  it("reports a machine that throws as it starts, hosted or not", async () => {
    const broken = setup({}).createMachine({
      id: "broken",
      initial: "a",
      states: {
        a: {
          entry: () => {
            throw new Error("config missing");
          },
        },
      },
    });
    // Hosted, the machine starts while its actor is starting, so the throw is the actor's start failure.
    const hosted = await failureOf(checkMachine(broken, { host: "plexus", numRuns: 5 }));
    expect(hosted?.message).toMatch(
      /^checkMachine\(broken\): the machine failed to start inside root\/[a-z-]+:\n {4}Error: config missing\n/,
    );
    expect(hosted?.message).toContain("\n  events: (none: it broke on start)\n  states: (none: no state was entered)\n");
    const direct = await failureOf(checkMachine(broken, { host: "direct", numRuns: 5 }));
    expect(direct?.message).toMatch(/^checkMachine\(broken\): the machine threw:\n {4}Error: config missing\n/);
    expect(direct?.message).toContain("\n  events: (none: it broke on start)\n  states: a (threw)\n");
  });

  it("checks that a machine reaching its final state ends its hosting actor normally", async () => {
    const job = setup({ types: { events: {} as { type: "RUN" } | { type: "FINISH" } } }).createMachine({
      id: "job",
      initial: "idle",
      states: { idle: { on: { RUN: "running" } }, running: { on: { FINISH: "done" } }, done: { type: "final" } },
    });
    const coverage = await checkMachine(job, {
      numRuns: 30,
      stateInvariants: { done: ({ snapshot, states }) => snapshot.status === "done" && states.at(-2) === "running" },
    });
    expect(coverage.states.missed).toEqual([]);
    expect(coverage.transitions.missed).toEqual([]);
  });
});
