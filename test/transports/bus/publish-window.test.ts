import { describe, expect, it } from "vitest";
import { MessageBus } from "../../../src/transports/bus/message-bus.js";
import type { Envelope } from "../../../src/transports/envelope.js";
import { RecordingLogger } from "../../runtime/recording-logger.js";
import { waitFor } from "../../helpers/wait.js";
import { FakeNetworkTransport } from "../fake-transport.js";

/** A transport with a publish window whose batches are answered one by one when the test says so. */
class WindowedTransport extends FakeNetworkTransport {
  readonly publishWindow: number;
  /** Batches sent and not yet answered, oldest first. */
  readonly open: Array<{ batch: Envelope[]; succeed(): void; fail(error: Error): void }> = [];

  constructor(window: number) {
    super();
    this.publishWindow = window;
  }

  override publish(batch: readonly Envelope[]): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.open.push({
        batch: [...batch],
        succeed: () => {
          this.batches.push([...batch]);
          resolve();
        },
        fail: reject,
      });
    });
  }

  /** Answers the batch whose first envelope carries `n`. */
  answer(n: number, outcome: "succeed" | Error): void {
    const index = this.open.findIndex((entry) => (entry.batch[0]?.payload as { n: number }).n === n);
    const [entry] = this.open.splice(index, 1);
    if (outcome === "succeed") entry!.succeed();
    else entry!.fail(outcome);
  }
}

async function busOver(transport: WindowedTransport): Promise<MessageBus> {
  const bus = new MessageBus({
    transport,
    source: "window",
    log: new RecordingLogger(),
    bounds: { outbox: { capacity: 1_000, flushTimeout: "1s" } },
  });
  await bus.start();
  transport.events?.onConnectionChange?.(true);
  return bus;
}

/** Publishes `n` alone in its own batch (each awaited tick ends a batch). */
async function publishAlone(bus: MessageBus, n: number, settled: number[]): Promise<void> {
  void bus.publish("orders.created", { n }).then(() => settled.push(n));
  await new Promise((resolve) => setImmediate(resolve));
}

const order = (transport: FakeNetworkTransport): number[] => transport.sent.map((envelope) => (envelope.payload as { n: number }).n);

describe("the publish window: several batches in flight on a transport that keeps their order", () => {
  it("sends up to publishWindow batches without waiting, and resolves the publishes oldest first", async () => {
    const transport = new WindowedTransport(3);
    const bus = await busOver(transport);
    const settled: number[] = [];
    for (const n of [1, 2, 3, 4]) await publishAlone(bus, n, settled);
    expect(transport.open.map((entry) => entry.batch.length)).toEqual([1, 1, 1]); // the 4th waits for room
    transport.answer(2, "succeed");
    transport.answer(3, "succeed");
    await new Promise((resolve) => setImmediate(resolve));
    expect(settled).toEqual([]); // 1 is still out: nothing newer is confirmed before it
    transport.answer(1, "succeed");
    await waitFor(() => transport.open.length === 1, "the 4th batch to go out");
    transport.answer(4, "succeed");
    await waitFor(() => settled.length === 4, "every publish to resolve");
    expect(settled).toEqual([1, 2, 3, 4]);
    await bus.close();
  });

  it("when a batch fails, the batches after it are waited for, and the failed ones are replayed first, oldest first, before newer publishes", async () => {
    const transport = new WindowedTransport(3);
    const bus = await busOver(transport);
    const settled: number[] = [];
    for (const n of [1, 2, 3]) await publishAlone(bus, n, settled);
    transport.answer(1, new Error("connection lost"));
    transport.answer(3, "succeed"); // a later batch that Redis had already taken
    transport.answer(2, new Error("connection lost"));
    await waitFor(
      () => bus.stats().outbox.depth === 2,
      () => `outbox depth ${bus.stats().outbox.depth}`,
    );
    await publishAlone(bus, 4, settled); // newer: queued behind the failed ones

    transport.reconnect();
    // The outbox replays in one batch, oldest first: the failed batches, then the newer publish.
    await waitFor(() => transport.open.length === 1, "the replay");
    expect(transport.open[0]!.batch.map((envelope) => (envelope.payload as { n: number }).n)).toEqual([1, 2, 4]);
    transport.answer(1, "succeed");
    await waitFor(
      () => order(transport).length === 4,
      () => `sent ${JSON.stringify(order(transport))}`,
    );
    expect(order(transport)).toEqual([3, 1, 2, 4]);
    expect(bus.stats().drops).toEqual({});
    await bus.close();
  });

  it("a close while a failed batch waits for the later ones settles every publish and counts them as dropped", async () => {
    const transport = new WindowedTransport(3);
    const bus = new MessageBus({
      transport,
      source: "window",
      log: new RecordingLogger(),
      bounds: { outbox: { capacity: 1_000, flushTimeout: "100ms" } },
    });
    await bus.start();
    transport.events?.onConnectionChange?.(true);
    const outcomes: Array<Promise<string>> = [];
    for (const n of [1, 2]) {
      outcomes.push(
        bus.publish("orders.created", { n }).then(
          () => "sent",
          () => "refused",
        ),
      );
      await new Promise((resolve) => setImmediate(resolve));
    }
    transport.answer(1, new Error("connection lost")); // batch 2 is never answered
    await bus.close();
    expect(await Promise.all(outcomes)).toEqual(["refused", "refused"]);
    expect(bus.stats().outbox.dropped).toBe(2);
  });
});
