import { afterEach, describe, expect, it } from "vitest";
import { ConfigError } from "../../../src/common/config-error.js";
import { silentLogger } from "../../../src/common/logger.js";
import type { BusConfig } from "../../../src/transports/bus/bus-config.js";
import { resolveBusConfig } from "../../../src/transports/bus/bus-config.js";
import { MessageBus } from "../../../src/transports/bus/message-bus.js";
import { MemoryTransport } from "../../../src/transports/memory/transport.js";
import { openBus } from "../../../src/transports/open-bus.js";
import type { Envelope } from "../../../src/transports/envelope.js";
import { waitFor } from "../../helpers/wait.js";

const buses: MessageBus[] = [];

afterEach(async () => {
  await Promise.all(buses.splice(0).map((bus) => bus.close()));
});

describe("resolveBusConfig", () => {
  it("is every schema default when given nothing", () => {
    expect(resolveBusConfig()).toEqual({
      mailbox: { capacity: 10_000, overflow: "drop-oldest", crashRetries: 2 },
      outbox: { capacity: 100_000, overflow: "drop-oldest", flushTimeoutMs: 5_000 },
      claimCheck: {
        enabled: false,
        thresholdBytes: 262_144,
        maxBlobBytes: 67_108_864,
        store: "auto",
        dir: "blobs",
        ttlMs: 86_400_000,
        maxPending: 64,
      },
      maxPayloadBytes: 4_194_304,
      maxDepth: 64,
    });
    expect(resolveBusConfig({ mailbox: { capacity: 5 } }).mailbox).toEqual({ capacity: 5, overflow: "drop-oldest", crashRetries: 2 });
  });
});

describe("a MessageBus built by hand", () => {
  it("needs only a transport: it publishes and delivers with the schema's default bounds", async () => {
    const bus = new MessageBus({ transport: new MemoryTransport(), log: silentLogger() });
    buses.push(bus);
    await bus.start();
    const seen: Envelope[] = [];
    await bus.subscribe("orders.*", (envelope) => void seen.push(envelope));
    await bus.publish("orders.created", { id: 1 });
    await waitFor(() => seen.length === 1, "the delivery");
    expect(seen[0]).toMatchObject({ topic: "orders.created", payload: { id: 1 }, source: "plexus" });

    // maxPayloadBytes defaults to 4 MiB: one byte more is refused, exactly that much is not.
    const limit = 4 * 1_048_576;
    await expect(bus.publish("orders.big", "x".repeat(limit + 1))).rejects.toMatchObject({ code: "PAYLOAD_TOO_LARGE" });
    await bus.publish("orders.big", "x".repeat(limit));
    await waitFor(() => seen.length === 2, "the largest allowed payload");
  });

  it("bounds each mailbox at the default 10,000, dropping the oldest", async () => {
    const bus = new MessageBus({ transport: new MemoryTransport(), log: silentLogger() });
    buses.push(bus);
    await bus.start();
    let release: () => void = () => undefined;
    const held = new Promise<void>((resolve) => (release = resolve));
    const handled: number[] = [];
    await bus.subscribe("load", async (envelope) => {
      await held;
      handled.push(envelope.payload as number);
    });
    for (let n = 0; n < 10_100; n++) void bus.publish("load", n);
    const label = Object.keys(bus.stats().mailboxDepths)[0] ?? "";
    expect(bus.stats().mailboxDepths[label]).toBe(10_000);
    expect(bus.stats().drops["drop-oldest"]).toBeGreaterThan(0);
    release();
    await waitFor(() => handled.includes(10_099), "the newest message to be handled");
  });

  it("rejects bad bounds with a ConfigError naming each key under `bounds`", () => {
    const bounds = { mailbox: { capacity: 0, overflow: "drop-everything" }, maxPayloadByte: 5 } as unknown as BusConfig;
    let thrown: unknown;
    try {
      new MessageBus({ transport: new MemoryTransport(), bounds });
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(ConfigError);
    expect((thrown as ConfigError).message.split("\n")).toEqual([
      "new MessageBus: 3 problems",
      "  bounds.maxPayloadByte: unknown key 'maxPayloadByte' (did you mean 'maxPayloadBytes'?)",
      "  bounds.mailbox.capacity: expected a number >= 1, got 0",
      '  bounds.mailbox.overflow: expected one of block, drop-oldest, drop-newest, reject, got "drop-everything"',
    ]);
  });
});

describe("openBus with sections written in code", () => {
  it("opens a started bus with every default from { transport: { kind: 'memory' } }", async () => {
    const bus = await openBus({ transport: { kind: "memory" } }, { log: silentLogger(), source: "web" });
    buses.push(bus);
    const seen: unknown[] = [];
    await bus.subscribe("ping", (envelope) => void seen.push(envelope.source));
    await bus.publish("ping", {});
    await waitFor(() => seen.length === 1, "the delivery");
    expect(seen).toEqual(["web"]);
  });

  it("checks every section before opening anything", async () => {
    const attempt = openBus({ transport: { kind: "memory" }, bus: { outbox: { capacity: -1 } }, contracts: { mode: "strict" } } as never);
    await expect(attempt).rejects.toThrow(
      [
        "openBus: 2 problems",
        "  bus.outbox.capacity: expected a number >= 1, got -1",
        '  contracts.mode: expected one of enforce, warn, off, got "strict"',
      ].join("\n"),
    );
  });
});
