import { describe, expect, it } from "vitest";
import type { Duration } from "../../../src/common/durations.js";
import { resolveBusConfig } from "../../../src/transports/bus/bus-config.js";
import { MessageBus } from "../../../src/transports/bus/message-bus.js";
import type { Envelope } from "../../../src/transports/envelope.js";
import { RecordingLogger } from "../../runtime/recording-logger.js";
import { waitFor } from "../../helpers/wait.js";
import { FakeNetworkTransport } from "../fake-transport.js";

/** A network transport whose publish is answered only when the test says so. */
class StalledTransport extends FakeNetworkTransport {
  private readonly waiting: Array<() => void> = [];

  override async publish(batch: readonly Envelope[]): Promise<void> {
    await new Promise<void>((resolve) => this.waiting.push(resolve));
    this.batches.push([...batch]);
  }

  get stalled(): number {
    return this.waiting.length;
  }
}

/** Counts the batches offered while the peer is away. */
class CountingTransport extends FakeNetworkTransport {
  refused = 0;

  override async publish(batch: readonly Envelope[]): Promise<void> {
    if (this.failing) this.refused++;
    await super.publish(batch);
  }
}

async function busOver(transport: FakeNetworkTransport, flushTimeout: Duration, log = new RecordingLogger()): Promise<MessageBus> {
  const bus = new MessageBus({ transport, source: "flush", log, bounds: { outbox: { capacity: 1_000, flushTimeout } } });
  await bus.start();
  transport.events?.onConnectionChange?.(true);
  return bus;
}

describe("closing a bus flushes its outbox, bounded by bus.outbox.flushTimeout", () => {
  it("defaults flushTimeout to 5 s, from the schema", () => {
    expect(resolveBusConfig({}).outbox.flushTimeoutMs).toBe(5_000);
    expect(resolveBusConfig({ outbox: { flushTimeout: "250ms" } }).outbox.flushTimeoutMs).toBe(250);
  });

  it("publishes made just before close reach the transport before it closes", async () => {
    const transport = new FakeNetworkTransport();
    const bus = await busOver(transport, "5s");
    const publishes = [1, 2, 3].map((n) => bus.publish("evt.n", { n }));
    await bus.close();
    await Promise.all(publishes);
    expect(transport.sent.map((envelope) => envelope.payload)).toEqual([{ n: 1 }, { n: 2 }, { n: 3 }]);
    expect(bus.stats().outbox).toMatchObject({ depth: 0, dropped: 0 });
  });

  it("publishes waiting in the outbox for an absent transport are delivered when it returns during the close", async () => {
    const transport = new CountingTransport();
    const bus = await busOver(transport, "10s");
    transport.failing = true;
    for (let n = 0; n < 10; n++) await bus.publish("evt.n", { n });
    await waitFor(() => bus.stats().outbox.depth === 10, "the outbox to hold the publishes");
    const refusedBefore = transport.refused;
    const closing = bus.close();
    // The close keeps probing the absent transport; it comes back only after two more refusals.
    await waitFor(() => transport.refused >= refusedBefore + 2, "the close to retry the absent transport", 5_000);
    transport.reconnect();
    await closing;
    expect(transport.sent.map((envelope) => (envelope.payload as { n: number }).n)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(bus.stats().outbox).toMatchObject({ depth: 0, dropped: 0, replayed: 10 });
  });

  it("what is still unsent after flushTimeout is counted and logged as dropped, with the reason", async () => {
    const transport = new FakeNetworkTransport();
    const log = new RecordingLogger();
    const bus = await busOver(transport, "100ms", log);
    transport.failing = true;
    for (let n = 0; n < 7; n++) await bus.publish("evt.n", { n });
    await waitFor(() => bus.stats().outbox.depth === 7, "the outbox to hold the publishes");
    await bus.close();
    expect(transport.sent).toEqual([]);
    expect(bus.stats().outbox).toMatchObject({ depth: 0, dropped: 7 });
    const [summary] = log.find("error", /bus closed with 7 envelope\(s\)/);
    expect(summary?.message).toMatch(/bus\.outbox\.flushTimeout \(100 ms\).*counted as dropped \(reason shutdown\)/);
    expect(summary?.fields).toMatchObject({ lost: 7, flushTimeoutMs: 100 });
    expect(log.find("warn", /outbox dropped an envelope/)[0]?.fields).toMatchObject({ reason: "shutdown" });
  });

  it("a batch the transport never confirms does not hold the close past flushTimeout, and is counted", async () => {
    const transport = new StalledTransport();
    const log = new RecordingLogger();
    const bus = await busOver(transport, "100ms", log);
    const publishes = [1, 2].map((n) =>
      bus.publish("evt.n", { n }).then(
        () => "sent",
        (error: Error) => error.message,
      ),
    );
    await waitFor(() => transport.stalled === 1, "the batch to be handed to the transport");
    await bus.close();
    expect(await Promise.all(publishes)).toEqual([expect.stringMatching(/bus closed before the transport accepted/), expect.anything()]);
    expect(bus.stats().outbox.dropped).toBe(2);
    expect(log.find("error", /2 of them were being sent and may have arrived/)).toHaveLength(1);
  });

  it("flushTimeout 0 closes at once, counting what waits as dropped", async () => {
    const transport = new FakeNetworkTransport();
    const bus = await busOver(transport, "0ms");
    transport.failing = true;
    for (let n = 0; n < 3; n++) await bus.publish("evt.n", { n });
    await waitFor(() => bus.stats().outbox.depth === 3, "the outbox to hold the publishes");
    await bus.close();
    expect(bus.stats().outbox).toMatchObject({ depth: 0, dropped: 3 });
  });
});
