import { mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { BusConfig, ContractMode } from "../../../src/transports/bus/bus-config.js";
import { silentLogger } from "../../../src/common/logger.js";
import { MessageBus } from "../../../src/transports/bus/message-bus.js";
import { compileContracts, loadContracts } from "../../../src/transports/bus/contracts.js";
import type { Envelope } from "../../../src/transports/envelope.js";
import { MemoryTransport } from "../../../src/transports/memory/transport.js";
import type { Transport } from "../../../src/transports/transport.js";
import { waitFor } from "../../helpers/wait.js";
import { FakeNetworkTransport } from "../fake-transport.js";

const defaults: BusConfig = {
  mailbox: { capacity: 100, overflow: "drop-oldest" },
  outbox: { capacity: 100, overflow: "drop-oldest" },
  maxPayloadBytes: 100_000,
  maxDepth: 64,
};
const orderSchema = {
  $schema: "https://json-schema.org/draft/2020-12/schema",
  "x-topic": ["orders.*"],
  type: "object",
  properties: { id: { type: "integer" }, at: { type: "string", format: "date-time" } },
  required: ["id"],
};
let dir: string;
const buses: MessageBus[] = [];

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), "plexus-contracts-"));
  await writeFile(path.join(dir, "orders.json"), JSON.stringify(orderSchema));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});
afterEach(async () => {
  await Promise.all(buses.splice(0).map((bus) => bus.close()));
});

async function busWith(mode: ContractMode, transport: Transport = new MemoryTransport()): Promise<MessageBus> {
  const contracts = await loadContracts(dir, mode);
  const bus = new MessageBus({ transport, source: "test", log: silentLogger(), bounds: defaults, contracts });
  await bus.start();
  buses.push(bus);
  return bus;
}

describe("contracts on publish", () => {
  it("enforce rejects with CONTRACT_VIOLATION naming topic, pointer and file", async () => {
    const bus = await busWith("enforce");
    await bus.publish("orders.created", { id: 1, at: "2025-01-31T12:00:00Z" });
    await bus.publish("other.topic", { anything: true }); // not governed
    const error = await bus.publish("orders.created", { id: "one" }).then(
      () => undefined,
      (e: unknown) => e as { code: string; message: string },
    );
    expect(error?.code).toBe("CONTRACT_VIOLATION");
    expect(error?.message).toContain('"orders.created"');
    expect(error?.message).toContain("/id");
    expect(error?.message).toContain("must be integer");
    expect(error?.message).toContain("orders.json");
    const badDate = await bus.publish("orders.created", { id: 1, at: "yesterday" }).then(
      () => undefined,
      (e: unknown) => e as { message: string },
    );
    expect(badDate?.message).toMatch(/\/at.*date-time/);
    expect(bus.stats().rejectedByContract).toBe(2);
  });

  it("warn publishes anyway and counts; off does not check", async () => {
    const warn = await busWith("warn");
    const seen: unknown[] = [];
    await warn.subscribe("orders.*", (e) => void seen.push(e.payload));
    await warn.publish("orders.created", { id: "one" });
    await waitFor(() => seen.length === 1, "delivered despite the warning");
    expect(warn.contractWarningCount).toBe(1);
    const off = await busWith("off");
    await off.publish("orders.created", { id: "one" });
    expect(off.contractWarningCount).toBe(0);
    expect(off.stats().rejectedByContract).toBe(0);
  });

  it("dead-letters invalid incoming messages from foreign producers instead of handing them over", async () => {
    const transport = new FakeNetworkTransport();
    const bus = await busWith("enforce", transport);
    const handled: unknown[] = [];
    await bus.subscribe("orders.*", (e) => void handled.push(e.payload));
    const foreign = (payload: unknown): Envelope => ({
      id: `f-${Math.random()}`,
      topic: "orders.created",
      ts: Date.now(),
      source: "external",
      payload,
    });
    void transport.inject(foreign({ id: "not-a-number" }));
    void transport.inject(foreign({ id: 7 }));
    await waitFor(() => handled.length === 1 && transport.sent.length === 1, "one handled, one dead-lettered");
    expect(handled).toEqual([{ id: 7 }]);
    const dead = transport.sent[0];
    expect(dead?.topic).toBe("_dead.orders.created");
    expect(dead?.headers?.reason).toBe("contract");
    expect(dead?.headers?.error).toContain("/id");
    expect(bus.stats().rejectedByContract).toBe(1);
  });
});

describe("loading contracts", () => {
  it("reports every broken file at once and loadContracts throws CONTRACT_INVALID naming them", async () => {
    const broken = await mkdtemp(path.join(os.tmpdir(), "plexus-contracts-bad-"));
    try {
      await writeFile(path.join(broken, "a-not-json.json"), "{ nope");
      await writeFile(path.join(broken, "b-no-topic.json"), JSON.stringify({ type: "object" }));
      await writeFile(path.join(broken, "c-typo.json"), JSON.stringify({ "x-topic": "a.b", type: "object", propertees: {} }));
      await writeFile(path.join(broken, "d-bad-pattern.json"), JSON.stringify({ "x-topic": "a*", type: "object" }));
      await writeFile(path.join(broken, "e-good.json"), JSON.stringify({ "x-topic": "a.b", type: "object" }));
      const { contracts, problems } = await compileContracts(broken);
      expect(contracts.map((c) => path.basename(c.schemaFile))).toEqual(["e-good.json"]);
      expect(problems.map((p) => path.basename(p.schemaFile))).toEqual([
        "a-not-json.json",
        "b-no-topic.json",
        "c-typo.json",
        "d-bad-pattern.json",
      ]);
      expect(problems[1]?.message).toMatch(/x-topic/);
      expect(problems[2]?.message).toMatch(/propertees/);
      const error = await loadContracts(broken, "enforce").then(
        () => undefined,
        (e: unknown) => e as { code: string; message: string; retryable: boolean },
      );
      expect(error?.code).toBe("CONTRACT_INVALID");
      expect(error?.retryable).toBe(false);
      expect(error?.message).toContain("c-typo.json");
    } finally {
      await rm(broken, { recursive: true, force: true });
    }
  });

  it("names a missing directory", async () => {
    const { problems } = await compileContracts(path.join(dir, "missing"));
    expect(problems[0]?.message).toMatch(/does not exist/);
  });

  it("ships a valid runtime.heartbeat contract", async () => {
    const contracts = await loadContracts(path.resolve("contracts"), "enforce");
    expect(contracts.check("runtime.heartbeat", { runtime: "r1", seq: 3, uptimeMs: 12.5, at: new Date().toISOString() })).toEqual({
      ok: true,
    });
    const bad = contracts.check("runtime.heartbeat", { runtime: "r1", seq: 1.5, uptimeMs: 1, at: "now" });
    expect(bad.ok).toBe(false);
    if (!bad.ok) {
      expect(bad.pointer).toBe("/seq");
      expect(bad.message).toMatch(/\/at must match format "date-time"/);
    }
  });
});
