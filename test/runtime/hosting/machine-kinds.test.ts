import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { assign, setup } from "xstate";
import { createRuntime } from "../../../src/create-runtime.js";
import type { Runtime } from "../../../src/runtime/runtime.js";
import { defineActor, type MachineKindInput } from "../../../src/runtime/define-actor.js";
import { RecordingLogger } from "../recording-logger.js";
import { waitFor } from "../../helpers/wait.js";

/** What the machine says when pinged: which incarnation, in which state, with what context. */
interface Report {
  incarnation: number;
  state: unknown;
  orders: string[];
  label: string;
}

type OrderEvent = { type: "ORDER"; order: string } | { type: "SHIP" } | { type: "CRASH" } | { type: "PING" };

interface OrderOptions {
  label: string;
}

/**
 * An order flow: open → shipped. `PING` (in every state) reports the live snapshot, which is how
 * the tests see a resumed machine (a restored snapshot runs no entry actions). `CRASH` throws in
 * an action: an error in the machine's logic.
 */
function orderMachine(incarnation: number, reports: Report[], states: "v1" | "v2" = "v1") {
  const [first, second] = states === "v1" ? (["open", "shipped"] as const) : (["draft", "sent"] as const);
  return setup({
    types: {
      input: {} as MachineKindInput<OrderOptions>,
      context: {} as { label: string; orders: string[] },
      events: {} as OrderEvent,
    },
    actions: {
      crash: () => {
        throw new Error("order machine crashed on command");
      },
      report: ({ context, self }) =>
        void reports.push({ incarnation, state: self.getSnapshot().value, orders: [...context.orders], label: context.label }),
    },
  }).createMachine({
    id: "orders",
    context: ({ input }) => ({ label: `${input.id}:${input.options.label}`, orders: [] }),
    initial: first,
    on: { PING: { actions: "report" }, CRASH: { actions: "crash" } },
    states: {
      [first]: {
        on: {
          ORDER: { actions: assign({ orders: ({ context, event }) => [...context.orders, (event as { order: string }).order] }) },
          SHIP: second,
        },
      },
      [second]: {},
    },
  });
}

/** A machine kind over `orderMachine`, fed from `orders.*` topics. */
function orderKind(options: { reports: Report[]; persist?: boolean; states?: "v1" | "v2"; incarnations?: { count: number } }) {
  const incarnations = options.incarnations ?? { count: 0 };
  return defineActor({
    kind: "orders",
    options: { type: "object", properties: { label: { type: "string", default: "shop" } } },
    persist: options.persist ?? false,
    machine: () => orderMachine(++incarnations.count, options.reports, options.states),
    events: {
      "orders.new": (envelope) => ({ type: "ORDER", order: (envelope.payload as { id: string }).id }),
      "orders.ship": () => ({ type: "SHIP" }),
      "orders.ping": () => ({ type: "PING" }),
      "orders.crash": () => ({ type: "CRASH" }),
      "orders.noise": () => undefined,
    },
  });
}

const runtimes: Runtime[] = [];
const dirs: string[] = [];
afterEach(async () => {
  for (const runtime of runtimes.splice(0)) await runtime.stop();
  for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
});

async function newStateDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "plexus-machine-kinds-"));
  dirs.push(dir);
  return dir;
}

async function startRuntime(kind: ReturnType<typeof orderKind>, stateDir: string, log = new RecordingLogger()): Promise<Runtime> {
  const runtime = createRuntime({
    logger: log,
    kinds: [kind],
    config: {
      runtime: { name: "machines", ops: { enabled: false }, stateDir },
      supervisor: { strategy: "one_for_one", intensity: 10, period: "10s", backoff: { min: 0, max: 0, jitter: 0 } },
      // Every incarnation obeys CRASH: not handing the command to the restarted machine again
      // makes one command one restart.
      bus: { mailbox: { crashRetries: 0 } },
      children: [{ id: "orders-a", kind: "orders", options: { label: "north" } }],
    },
  });
  runtimes.push(runtime);
  await runtime.start();
  return runtime;
}

/** Pings the machine and waits for the report of incarnation `incarnation`. */
async function ping(runtime: Runtime, reports: Report[], incarnation: number): Promise<Report> {
  const before = reports.length;
  await runtime.bus.publish("orders.ping", {});
  return waitFor(
    () => reports.slice(before).find((report) => report.incarnation === incarnation),
    `a report from incarnation ${incarnation}`,
  );
}

async function counter(runtime: Runtime, name: string, labels: Record<string, string>): Promise<number> {
  const metric = await runtime.metrics.registry.getSingleMetric(`plexus_${name}`)?.get();
  const value = metric?.values.find((entry) => Object.entries(labels).every(([key, wanted]) => entry.labels[key] === wanted));
  return value?.value ?? 0;
}

describe("machine kinds in a runtime", () => {
  it("start with input { id, options } and receive bus messages as events", async () => {
    const reports: Report[] = [];
    const runtime = await startRuntime(orderKind({ reports }), await newStateDir());
    await runtime.bus.publish("orders.new", { id: "a" });
    await runtime.bus.publish("orders.new", { id: "b" });
    expect(await ping(runtime, reports, 1)).toEqual({ incarnation: 1, state: "open", orders: ["a", "b"], label: "orders-a:north" });
  });

  it("count an event the machine cannot take, log it, and ignore what a mapper maps to undefined", async () => {
    const reports: Report[] = [];
    const log = new RecordingLogger();
    const runtime = await startRuntime(orderKind({ reports }), await newStateDir(), log);
    await runtime.bus.publish("orders.ship", {});
    await runtime.bus.publish("orders.ship", {}); // shipped takes no SHIP
    await runtime.bus.publish("orders.noise", {});
    expect((await ping(runtime, reports, 1)).state).toBe("shipped");
    const labels = { actor: "root/orders-a" };
    expect(await counter(runtime, "machine_events_total", { ...labels, outcome: "unaccepted" })).toBe(1);
    expect(await counter(runtime, "machine_events_total", { ...labels, outcome: "ignored" })).toBe(1);
    expect(await counter(runtime, "machine_events_total", { ...labels, outcome: "delivered" })).toBe(2);
    const [warning] = log.find("warn", /event SHIP was not sent/);
    expect(warning?.fields).toMatchObject({ actor: "root/orders-a", pattern: "orders.ship", event: "SHIP" });
  });

  it("stop taking bus messages when the actor stops (a witness message proves none was delivered)", async () => {
    const reports: Report[] = [];
    const runtime = await startRuntime(orderKind({ reports }), await newStateDir());
    await ping(runtime, reports, 1);
    const handled = async (): Promise<number> => {
      const outcomes = ["delivered", "ignored", "unaccepted"].map((outcome) =>
        counter(runtime, "machine_events_total", { actor: "root/orders-a", outcome }),
      );
      return (await Promise.all(outcomes)).reduce((sum, n) => sum + n, 0);
    };
    const before = await handled();
    await runtime.stopChild("root", "orders-a");
    const witnessed: string[] = [];
    await runtime.bus.subscribe("orders.>", (envelope) => void witnessed.push(envelope.topic));
    await runtime.bus.publish("orders.new", { id: "late" });
    await runtime.bus.publish("orders.witness", {});
    await waitFor(() => witnessed.includes("orders.witness"), "the witness message");
    expect(witnessed).toEqual(["orders.new", "orders.witness"]);
    expect(await handled()).toBe(before);
  });
});

describe("machine kinds with persist", () => {
  it("resume in the state they had after their supervisor restarts them", async () => {
    const reports: Report[] = [];
    const incarnations = { count: 0 };
    const runtime = await startRuntime(orderKind({ reports, persist: true, incarnations }), await newStateDir());
    await runtime.bus.publish("orders.new", { id: "a" });
    await runtime.bus.publish("orders.ship", {});
    expect((await ping(runtime, reports, 1)).state).toBe("shipped");
    await runtime.bus.publish("orders.crash", {});
    await waitFor(() => incarnations.count === 2 && runtime.tree().children?.[0]?.state === "running", "the restarted incarnation");
    expect(runtime.tree().children?.[0]?.restarts).toBe(1);
    expect(await ping(runtime, reports, 2)).toEqual({ incarnation: 2, state: "shipped", orders: ["a"], label: "orders-a:north" });
  });

  it("resume in the state they had when a runtime restarts over the same stateDir", async () => {
    const stateDir = await newStateDir();
    const reports: Report[] = [];
    const first = await startRuntime(orderKind({ reports, persist: true }), stateDir);
    await first.bus.publish("orders.new", { id: "a" });
    await first.bus.publish("orders.new", { id: "b" });
    await first.bus.publish("orders.ship", {});
    expect((await ping(first, reports, 1)).state).toBe("shipped");
    await first.stop();

    const log = new RecordingLogger();
    const second = await startRuntime(orderKind({ reports, persist: true }), stateDir, log);
    expect(await ping(second, reports, 1)).toEqual({ incarnation: 1, state: "shipped", orders: ["a", "b"], label: "orders-a:north" });
    expect(log.find("info", /resumed from its persisted snapshot/)).toHaveLength(1);
  });

  it("start fresh, with a warning, from a snapshot that no longer fits the machine", async () => {
    const stateDir = await newStateDir();
    const reports: Report[] = [];
    const first = await startRuntime(orderKind({ reports, persist: true }), stateDir);
    await first.bus.publish("orders.ship", {});
    expect((await ping(first, reports, 1)).state).toBe("shipped");
    await first.stop();

    const log = new RecordingLogger();
    const second = await startRuntime(orderKind({ reports, persist: true, states: "v2" }), stateDir, log);
    expect((await ping(second, reports, 1)).state).toBe("draft");
    const [warning] = log.find("warn", /no longer fits the machine/);
    expect(String((warning?.fields.err as Error | undefined)?.message)).toMatch(/shipped/);
    expect(await counter(second, "machine_snapshots_discarded_total", { actor: "root/orders-a" })).toBe(1);
    expect(second.tree().children?.[0]).toMatchObject({ state: "running", restarts: 0 });
  });

  it("start fresh after the machine reached its final state", async () => {
    const stateDir = await newStateDir();
    const reports: Report[] = [];
    const finishing = defineActor({
      kind: "orders",
      persist: { everyMs: 0 },
      machine: () =>
        setup({ types: { events: {} as { type: "DONE" } } }).createMachine({
          initial: "working",
          states: { working: { on: { DONE: "finished" } }, finished: { type: "final" } },
        }),
      events: { "orders.done": () => ({ type: "DONE" }) },
    });
    const runtime = createRuntime({
      logger: new RecordingLogger(),
      kinds: [finishing],
      config: {
        runtime: { name: "machines", ops: { enabled: false }, stateDir },
        children: [{ id: "orders-a", kind: "orders", restart: "transient" }],
      },
    });
    runtimes.push(runtime);
    await runtime.start();
    await runtime.bus.publish("orders.done", {});
    await waitFor(() => runtime.tree().children?.[0]?.state === "stopped", "the machine's normal exit");
    await runtime.stop();

    const log = new RecordingLogger();
    const again = await startRuntime(orderKind({ reports, persist: true }), stateDir, log);
    expect((await ping(again, reports, 1)).state).toBe("open");
    expect(log.find("info", /finished machine; starting fresh/)).toHaveLength(1);
  });
});
