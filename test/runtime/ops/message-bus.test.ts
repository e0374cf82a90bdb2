import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { OpsClient } from "../../../src/cli/ops-client.js";
import { silentLogger } from "../../../src/common/logger.js";
import { Metrics } from "../../../src/common/metrics.js";
import { startOpsServer, type OpsServer } from "../../../src/runtime/ops/server.js";
import { MessageBus } from "../../../src/transports/bus/message-bus.js";
import { loadContracts } from "../../../src/transports/bus/contracts.js";
import type { Envelope } from "../../../src/transports/envelope.js";
import { MemoryTransport } from "../../../src/transports/memory/transport.js";
import { waitFor } from "../../helpers/wait.js";

// The ops server against the real MessageBus: error classification must match what the bus throws.
describe("ops server over the real MessageBus", () => {
  let dir: string;
  let bus: MessageBus;
  let server: OpsServer;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "plexus-ops-bus-"));
    await writeFile(
      join(dir, "orders.json"),
      JSON.stringify({
        $schema: "https://json-schema.org/draft/2020-12/schema",
        "x-topic": "orders.*",
        type: "object",
        properties: { id: { type: "integer" } },
        required: ["id"],
      }),
    );
    const metrics = new Metrics();
    bus = new MessageBus({
      transport: new MemoryTransport(),
      source: "ops-bus-test",
      log: silentLogger(),
      metrics,
      contracts: await loadContracts(dir, "enforce"),
      bounds: {
        mailbox: { capacity: 100, overflow: "drop-oldest" },
        outbox: { capacity: 100, overflow: "reject" },
        maxPayloadBytes: 10_000,
      },
    });
    await bus.start();
    const tree = { id: "root", path: "root", type: "supervisor" as const, kind: "one_for_one", state: "running" as const, restarts: 0 };
    server = await startOpsServer(
      { name: "real", bus, metrics, log: silentLogger(), tree: () => tree, health: () => ({ ok: true, ready: true, state: "running" }) },
      { host: "127.0.0.1", port: 0, maxBodyBytes: 100_000 },
    );
  });

  afterAll(async () => {
    await server.close();
    await bus.close();
    await rm(dir, { recursive: true, force: true });
  });

  it("publishes through /publish to an SSE subscriber, and maps contract and size refusals to 400", async () => {
    const client = new OpsClient(server.address.url);
    const controller = new AbortController();
    let ready = false;
    const received: Envelope[] = [];
    const stream = client.subscribe("orders.>", { signal: controller.signal, onReady: () => (ready = true) }, (envelope) => {
      received.push(envelope);
      controller.abort();
    });
    await waitFor(() => ready, "the SSE subscription");
    const id = await client.publish("orders.created", { id: 5 }, { trace: "x" });
    expect(await stream).toBe("aborted");
    expect(received[0]).toMatchObject({ id, topic: "orders.created", payload: { id: 5 }, headers: { trace: "x" }, source: "cli" });

    await expect(client.publish("orders.created", { id: "five" })).rejects.toThrow(/HTTP 400.*\/id/);
    await expect(client.publish("big.one", "x".repeat(20_000))).rejects.toThrow(/HTTP 400/);
    await expect(client.publish("bad topic", 1)).rejects.toThrow(/HTTP 400.*Invalid topic/);
  });
});
