import { afterEach, describe, expect, it } from "vitest";
import { Publisher } from "zeromq";
import type { BusConfig } from "../../../src/transports/bus/bus-config.js";
import { silentLogger } from "../../../src/common/logger.js";
import { MessageBus } from "../../../src/transports/bus/message-bus.js";
import type { Envelope } from "../../../src/transports/envelope.js";
import { ZmqTransport } from "../../../src/transports/zmq/transport.js";
import { waitFor } from "../../helpers/wait.js";
import { startProxy, zmqConfig } from "./kit.js";

const defaults: BusConfig = {
  mailbox: { capacity: 1_000, overflow: "block" },
  outbox: { capacity: 1_000, overflow: "drop-oldest" },
  maxPayloadBytes: 2_000_000,
  maxDepth: 64,
};
const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function bus(endpoints: { xsub: string; xpub: string }, source: string): Promise<MessageBus> {
  const transport = new ZmqTransport(zmqConfig(endpoints), { log: silentLogger(), source, connectWaitMs: 3_000, closeFlushMs: 200 });
  const messageBus = new MessageBus({ transport, source, log: silentLogger(), bounds: defaults });
  await messageBus.start();
  cleanups.push(async () => {
    await messageBus.close();
    await transport.close();
  });
  return messageBus;
}

describe("MessageBus over the zmq transport", () => {
  it("publishes, subscribes and answers requests between two runtimes", async () => {
    const { proxy, xsub, xpub } = await startProxy();
    cleanups.push(() => proxy.stop());
    const a = await bus({ xsub, xpub }, "runtime-a");
    const b = await bus({ xsub, xpub }, "runtime-b");
    const seen: Envelope[] = [];
    await b.subscribe("orders.*", (envelope) => void seen.push(envelope));
    await b.subscribe("math.double", (envelope) => (envelope.payload as number) * 2);
    await a.publish("orders.created", { id: 7 });
    await waitFor(() => seen.length === 1, "the order at runtime b");
    expect(seen[0]).toMatchObject({ topic: "orders.created", source: "runtime-a", payload: { id: 7 } });
    await expect(a.request<number>("math.double", 21, { timeoutMs: 3_000 })).resolves.toBe(42);
  });

  it("dead-letters a foreign non-JSON frame on _dead.<topic>", async () => {
    const { proxy, xsub, xpub } = await startProxy();
    cleanups.push(() => proxy.stop());
    const b = await bus({ xsub, xpub }, "runtime-b");
    const dead: Envelope[] = [];
    await b.subscribe("_dead.>", (envelope) => void dead.push(envelope));
    await b.subscribe("chem.*", () => undefined);
    const foreign = new Publisher({ linger: 0 });
    cleanups.push(() => foreign.close());
    foreign.connect(xsub);
    await waitFor(async () => {
      await foreign.send(["chem.signal", "\u0001binary"]);
      return dead.length > 0;
    }, "a dead letter");
    expect(dead[0]?.topic).toBe("_dead.chem.signal");
    expect(dead[0]?.payload).toBe("\u0001binary"); // the raw frame, for inspection
    expect(dead[0]?.headers?.reason).toMatch(/not JSON/);
  });
});
