import { appendFile, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import type { ReplayPage } from "../../../src/actors/control/actor.js";
import { CommandLanes } from "../../../src/actors/control/command-lanes.js";
import { FileEventLog } from "../../../src/actors/control/file-event-log.js";
import type { LifecycleAck, LoggedTransition } from "../../../src/actors/control/lifecycle-ack.js";
import { silentLogger } from "../../../src/common/logger.js";
import { createMemoryStateStore, createTestBus, waitFor, type TestBus } from "../../../src/testing/index.js";
import { startController, tempStateDir, type RunningController } from "./controller-harness.js";

const COMMANDS = "kasmina.control.lifecycle.transition";

let bus: TestBus;
const running: RunningController[] = [];
afterEach(async () => {
  for (const controller of running.splice(0)) await controller.stop().catch(() => undefined);
  await bus?.close();
});

async function setup(options = {}) {
  bus = createTestBus({ source: "client" });
  const state = createMemoryStateStore();
  const storage = { stateDir: await tempStateDir(), transport: { kind: "memory" as const } };
  const start = async () => {
    const controller = await startController({ bus, state, storage, options });
    running.push(controller);
    return controller;
  };
  const send = (commandId: string, entityId: string, operation: string, extra = {}) =>
    bus.request<LifecycleAck>(COMMANDS, { commandId, entityId, operation, ...extra }, { timeoutMs: 5_000 });
  const events = () => bus.published.filter((envelope) => envelope.topic.startsWith("kasmina.events.seed."));
  const acks = () =>
    bus.published
      .filter((envelope) => envelope.topic === "kasmina.control.lifecycle.ack")
      .map((envelope) => envelope.payload as LifecycleAck);
  return { state, storage, start, send, events, acks };
}

describe("lifecycle-controller", () => {
  it("accepts a legal command, acks it, emits one event and logs it with a sequence number", async () => {
    const { start, send, events, acks } = await setup();
    await start();
    const ack = await send("c1", "seed-1", "GERMINATE", { reason: "slot free" });
    expect(ack).toEqual({ commandId: "c1", entityId: "seed-1", accepted: true, from: "DORMANT", to: "GERMINATED", seq: 1 });
    await waitFor(() => events().length === 1 && acks().length === 1);
    expect(events()[0]).toMatchObject({
      topic: "kasmina.events.seed.germinated",
      payload: {
        seq: 1,
        commandId: "c1",
        entityId: "seed-1",
        operation: "GERMINATE",
        from: "DORMANT",
        to: "GERMINATED",
        reason: "slot free",
      },
    });
    expect(acks()[0]).toEqual(ack);
  });

  it("rejects illegal and malformed commands with a reason and changes nothing", async () => {
    const { start, send, events } = await setup();
    const controller = await start();
    expect(await send("c1", "seed-1", "FOSSILIZE")).toEqual({
      commandId: "c1",
      entityId: "seed-1",
      accepted: false,
      from: "DORMANT",
      to: "DORMANT",
      reason: "FOSSILIZE is not allowed from DORMANT (allowed: GERMINATE, TERMINATE)",
    });
    expect(await send("c2", "seed-1", "GERMINATE", { priority: "urgent" })).toMatchObject({
      accepted: false,
      reason: expect.stringContaining("priority"),
    });
    expect(await send("c3", "seed-1", "GERMINATE")).toMatchObject({ accepted: true, seq: 1 });
    expect(events()).toHaveLength(1);
    expect(controller.status()).toMatchObject({ accepted: 1, rejected: 1, invalid: 1, lastSeq: 1, byState: { GERMINATED: 1 } });
  });

  it("answers a repeated commandId with the original ack and never transitions twice", async () => {
    const { start, send, events } = await setup();
    await start();
    const first = await send("c1", "seed-1", "GERMINATE");
    const again = await send("c1", "seed-1", "GERMINATE");
    const illegal = await send("c2", "seed-1", "FOSSILIZE");
    await send("c3", "seed-1", "START_TRAINING");
    // The same id with another operation is still the same command: its original ack.
    expect(await send("c1", "seed-1", "CANCEL")).toEqual(first);
    expect(again).toEqual(first);
    expect(await send("c2", "seed-1", "FOSSILIZE")).toEqual(illegal);
    expect(events().map((envelope) => envelope.topic)).toEqual(["kasmina.events.seed.germinated", "kasmina.events.seed.training"]);
  });

  it("keeps entity states and acks across a restart, from the snapshot and from the log alone", async () => {
    const { start, send, storage } = await setup({ snapshotEvery: 2 });
    let controller = await start();
    await send("c1", "a", "GERMINATE");
    await send("c2", "a", "START_TRAINING");
    await send("c3", "b", "GERMINATE");
    await controller.stop();
    running.length = 0;
    controller = await start();
    expect(await send("c2", "a", "START_TRAINING")).toMatchObject({ accepted: true, seq: 2, from: "GERMINATED" });
    expect(await send("c4", "a", "START_GRAFTING")).toMatchObject({ accepted: true, seq: 4, from: "TRAINING", to: "BLENDING" });
    await controller.stop();
    running.length = 0;
    // A runtime that lost its snapshot rebuilds everything from the log.
    const fresh = await startController({ bus, state: createMemoryStateStore(), storage });
    running.push(fresh);
    expect(await send("c3", "b", "GERMINATE")).toMatchObject({ accepted: true, seq: 3 });
    expect(await send("c5", "b", "START_TRAINING")).toMatchObject({ accepted: true, seq: 5, from: "GERMINATED" });
    expect(fresh.status()).toMatchObject({ lastSeq: 5, byState: { BLENDING: 1, TRAINING: 1 } });
  });

  it("replays the event log in pages from a sequence number", async () => {
    const { start, send } = await setup({ replayPageSize: 2 });
    await start();
    for (const [id, operation] of [
      ["c1", "GERMINATE"],
      ["c2", "START_TRAINING"],
      ["c3", "START_GRAFTING"],
    ] as const)
      await send(id, "s", operation);
    const first = await bus.request<ReplayPage>("kasmina.events.replay", { fromSeq: 1 });
    expect(first.events.map((event) => event.seq)).toEqual([1, 2]);
    expect(first).toMatchObject({ nextSeq: 3, lastSeq: 3 });
    const second = await bus.request<ReplayPage>("kasmina.events.replay", { fromSeq: first.nextSeq, limit: 10 });
    expect(second.events.map((event) => `${event.seq} ${event.to}`)).toEqual(["3 BLENDING"]);
    expect(second.nextSeq).toBe(4);
    expect((await bus.request<ReplayPage>("kasmina.events.replay", { fromSeq: 4 })).events).toEqual([]);
    await expect(bus.request("kasmina.events.replay", { fromSeq: "x" })).rejects.toThrow(/fromSeq/);
  });

  it("publishes the ack of an emergency command ahead of queued normal ones and refuses commands beyond the queue bound", async () => {
    const { start, acks } = await setup({ queueCapacity: 2, emergencyQueueCapacity: 1, maxBatch: 1 });
    await start();
    const sent = ["n1", "n2", "n3", "n4", "n5"].map((id, index) =>
      bus.publish(COMMANDS, { commandId: id, entityId: `e${index}`, operation: "GERMINATE" }),
    );
    sent.push(bus.publish(COMMANDS, { commandId: "x1", entityId: "e9", operation: "TERMINATE", priority: "emergency" }));
    await Promise.all(sent);
    await waitFor(() => acks().length === 6);
    const byId = new Map(acks().map((ack) => [ack.commandId, ack]));
    const refused = acks().filter((ack) => ack.reason?.includes("queue is full"));
    expect(refused.length).toBeGreaterThan(0);
    expect(byId.get("x1")).toMatchObject({ accepted: true, to: "TERMINATED" });
    // The emergency command overtook every normal command still queued when it arrived.
    const order = acks()
      .filter((ack) => ack.accepted)
      .map((ack) => ack.commandId);
    expect(order.indexOf("x1")).toBeLessThan(order.indexOf("n3") === -1 ? Infinity : order.indexOf("n3"));
  });
});

describe("command lanes", () => {
  it("hands out emergency items first and refuses items beyond each lane's bound", () => {
    const lanes = new CommandLanes<string>(2, 1);
    expect([lanes.offer("a", false), lanes.offer("b", false), lanes.offer("c", false)]).toEqual([true, true, false]);
    expect([lanes.offer("E", true), lanes.offer("F", true)]).toEqual([true, false]);
    expect(lanes.take(2)).toEqual(["E", "a"]);
    expect(lanes.take(5)).toEqual(["b"]);
  });
});

describe("file event log", () => {
  const record = (seq: number): LoggedTransition => ({
    seq,
    commandId: `c${seq}`,
    entityId: "e",
    operation: "GERMINATE",
    from: "A",
    to: "B",
    at: "t",
  });

  it("cuts off a torn last line and keeps appending after the last whole record", async () => {
    const file = join(await tempStateDir(), "log.jsonl");
    const log = new FileEventLog(file, silentLogger());
    expect(await log.open(0)).toEqual([]);
    await log.append([record(1), record(2)]);
    await log.close();
    await appendFile(file, '{"seq":3,"commandId":"c3","ent');
    const reopened = new FileEventLog(file, silentLogger());
    expect((await reopened.open(1)).map((r) => r.seq)).toEqual([2]);
    expect(reopened.lastSeq).toBe(2);
    await reopened.append([record(3)]);
    expect((await reopened.read(2, 10)).map((r) => r.seq)).toEqual([2, 3]);
    await expect(reopened.append([record(5)])).rejects.toThrow(/does not follow the last seq 3/);
    await reopened.close();
    expect((await readFile(file, "utf8")).trim().split("\n")).toHaveLength(3);
  });

  it("refuses to load a log damaged in the middle", async () => {
    const file = join(await tempStateDir(), "log.jsonl");
    await writeFile(file, [JSON.stringify(record(1)), "garbage", JSON.stringify(record(2)), ""].join("\n"));
    await expect(new FileEventLog(file, silentLogger()).open(0)).rejects.toThrow(/damaged after seq 1/);
  });
});
