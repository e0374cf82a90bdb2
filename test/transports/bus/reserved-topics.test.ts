import { afterEach, describe, expect, it } from "vitest";
import { silentLogger } from "../../../src/common/logger.js";
import { Metrics } from "../../../src/common/metrics.js";
import { startOpsServer, type OpsServer } from "../../../src/runtime/ops/server.js";
import { MessageBus } from "../../../src/transports/bus/message-bus.js";
import type { Envelope } from "../../../src/transports/envelope.js";
import { MemoryTransport } from "../../../src/transports/memory/transport.js";
import { waitFor } from "../../helpers/wait.js";
import { runInProcess } from "../../cli/memory-io.js";

const open: Array<{ close(): Promise<void> }> = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((thing) => thing.close()));
});

async function memoryBus(): Promise<MessageBus> {
  const bus = new MessageBus({ transport: new MemoryTransport(), source: "reserved", log: silentLogger() });
  await bus.start();
  open.push(bus);
  return bus;
}

async function opsServer(bus: MessageBus): Promise<OpsServer> {
  const server = await startOpsServer(
    {
      name: "reserved",
      bus,
      metrics: new Metrics(),
      log: silentLogger(),
      tree: () => ({ id: "root", path: "root", type: "supervisor", kind: "one_for_one", state: "running", restarts: 0 }),
      health: () => ({ ok: true, ready: true, state: "running" }),
    },
    { host: "127.0.0.1", port: 0, maxBodyBytes: 65_536 },
  );
  open.push(server);
  return server;
}

describe("topics reserved for the runtime (_dead.*, _inbox.*)", () => {
  it("bus.publish refuses them, while the bus's own dead letters and replies still flow", async () => {
    const bus = await memoryBus();
    const dead: Envelope[] = [];
    await bus.subscribe("_dead.>", (envelope) => void dead.push(envelope));
    await expect(bus.publish("_dead.orders.created", { forged: true })).rejects.toMatchObject({ code: "RESERVED_TOPIC", retryable: false });
    await expect(bus.publish("_inbox.someone.1", 42)).rejects.toMatchObject({ code: "RESERVED_TOPIC" });
    await expect(bus.publish("_dead", 1)).rejects.toThrow(/reserved for the runtime/);
    await expect(bus.publish("_doctor.check", 1)).resolves.toMatchObject({ topic: "_doctor.check" }); // other system topics stay usable

    await bus.subscribe("orders.created", () => {
      throw new Error("handler failed");
    });
    await bus.subscribe("math.double", (envelope: Envelope<number>) => envelope.payload * 2);
    await bus.publish("orders.created", { id: 1 });
    expect(await bus.request("math.double", 21)).toBe(42);
    await waitFor(() => dead.length === 1, "the bus's own dead letter");
    expect(dead[0]).toMatchObject({ topic: "_dead.orders.created", headers: { reason: "handler-error" } });
    expect(bus.stats().published).toBe(3); // the refused ones were never published
  });

  it("POST /publish answers 400 naming the rule, and plexus pub exits 65 with it", async () => {
    const bus = await memoryBus();
    const seen: Envelope[] = [];
    await bus.subscribe("_dead.>", (envelope) => void seen.push(envelope));
    const server = await opsServer(bus);
    const response = await fetch(`${server.address.url}/publish`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ topic: "_dead.orders.created", payload: { forged: true } }),
    });
    expect(response.status).toBe(400);
    const body = (await response.json()) as { error: string; code: string };
    expect(body.code).toBe("RESERVED_TOPIC");
    expect(body.error).toContain("_dead.orders.created");

    const pub = await runInProcess(["pub", "--url", server.address.url, "_inbox.x.1", "{}"]);
    expect(pub.code).toBe(65);
    expect(pub.stderr).toMatch(/reserved for the runtime/);
    expect(pub.stdout).toBe("");
    expect(seen).toHaveLength(0);
  });
});
