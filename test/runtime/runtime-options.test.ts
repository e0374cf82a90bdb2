import { Writable } from "node:stream";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fastify } from "fastify";
import { afterEach, describe, expect, it } from "vitest";
import { createRuntime } from "../../src/create-runtime.js";
import { defineActor } from "../../src/runtime/define-actor.js";
import type { CustomTransportContext, Runtime } from "../../src/runtime/runtime.js";
import { MemoryTransport } from "../../src/transports/memory/transport.js";
import type { Delivery, Transport, TransportEvents, TransportSubscriptionSpec } from "../../src/transports/transport.js";
import type { Envelope } from "../../src/transports/envelope.js";
import type { TransportStats } from "../../src/transports/transport-stats.js";
import { silentLogger } from "../../src/common/logger.js";
import { waitFor } from "../helpers/wait.js";

/** A transport of the embedder's own: memory underneath, its own kind name, and a record of its life. */
class EmbedderTransport implements Transport {
  readonly kind = "custom:embedder" as const;
  readonly calls: string[] = [];
  private readonly inner = new MemoryTransport();
  readonly guarantees = this.inner.guarantees;

  async connect(events?: TransportEvents): Promise<void> {
    this.calls.push("connect");
    await this.inner.connect(events);
  }
  publish(batch: readonly Envelope[]): Promise<void> {
    return this.inner.publish(batch);
  }
  subscribe(spec: TransportSubscriptionSpec, deliver: Delivery) {
    return this.inner.subscribe(spec, deliver);
  }
  stats(): TransportStats {
    return { ...this.inner.stats(), kind: this.kind };
  }
  async close(): Promise<void> {
    this.calls.push("close");
    await this.inner.close();
  }
}

const runtimes: Runtime[] = [];
const dirs: string[] = [];
afterEach(async () => {
  for (const runtime of runtimes.splice(0)) await runtime.stop();
  for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
});

async function stateDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "plexus-runtime-options-"));
  dirs.push(dir);
  return dir;
}

async function roundTrip(runtime: Runtime): Promise<void> {
  const seen: unknown[] = [];
  await runtime.bus.subscribe("options.test", (envelope) => void seen.push(envelope.payload));
  await runtime.bus.publish("options.test", { n: 1 });
  await waitFor(() => seen.length === 1, "the round trip");
}

describe("createRuntime({ transport })", () => {
  it("uses a transport instance instead of the config's, and closes it on stop", async () => {
    const transport = new EmbedderTransport();
    const runtime = createRuntime({
      logger: silentLogger(),
      transport,
      config: { runtime: { name: "custom", ops: { enabled: false }, stateDir: await stateDir() }, transport: { kind: "memory" } },
    });
    runtimes.push(runtime);
    await runtime.start();
    expect(runtime.bus.stats().transport.kind).toBe("custom:embedder");
    await roundTrip(runtime);
    await runtime.stop();
    expect(transport.calls).toEqual(["connect", "close"]);
  });

  it("calls a transport factory once the config is loaded, and closes what it built on stop", async () => {
    const built: EmbedderTransport[] = [];
    const contexts: CustomTransportContext[] = [];
    const runtime = createRuntime({
      logger: silentLogger(),
      transport: async (context) => {
        contexts.push(context);
        built.push(new EmbedderTransport());
        return built[0]!;
      },
      config: { runtime: { name: "factory-made", ops: { enabled: false }, stateDir: await stateDir() } },
    });
    runtimes.push(runtime);
    await runtime.start();
    expect(contexts).toHaveLength(1);
    expect(contexts[0]).toMatchObject({ source: "factory-made", config: { runtime: { name: "factory-made" } } });
    expect(runtime.bus.stats().transport.kind).toBe("custom:embedder");
    await roundTrip(runtime);
    await runtime.stop();
    expect(built[0]?.calls).toEqual(["connect", "close"]);
  });

  it("closes a transport instance it never used when start fails on the config", async () => {
    const transport = new EmbedderTransport();
    const runtime = createRuntime({ logger: silentLogger(), transport, config: { children: [{ id: "x", kind: "no-such-kind" }] } });
    runtimes.push(runtime);
    await expect(runtime.start()).rejects.toThrow(/no-such-kind/);
    expect(transport.calls).toEqual(["close"]);
  });
});

describe("createRuntime({ logger })", () => {
  it("logs through a fastify logger (app.log) and leaves its level alone", async () => {
    const lines: Array<Record<string, unknown>> = [];
    const stream = new Writable({
      write(chunk: Buffer, _encoding, done) {
        for (const line of chunk.toString("utf8").split("\n").filter(Boolean)) lines.push(JSON.parse(line) as Record<string, unknown>);
        done();
      },
    });
    const app = fastify({ logger: { level: "info", stream } });
    try {
      const greeter = defineActor({
        kind: "greeter",
        start(ctx) {
          ctx.log.info({ greeting: "hello" }, "greeter started");
        },
      });
      const runtime = createRuntime({
        logger: app.log,
        kinds: [greeter],
        env: {},
        config: {
          runtime: { name: "in-fastify", ops: { enabled: false }, stateDir: await stateDir(), log: { level: "debug" } },
          children: [{ id: "greeter", kind: "greeter" }],
        },
      });
      runtimes.push(runtime);
      await runtime.start();
      await waitFor(() => lines.some((line) => line.msg === "runtime running"), "the runtime's line in the fastify log");
      expect(lines).toContainEqual(expect.objectContaining({ msg: "greeter started", greeting: "hello", actor: "root/greeter" }));
      expect(app.log.level).toBe("info");
      expect(lines.some((line) => line.level === 20)).toBe(false); // no debug lines: the config's level did not apply
    } finally {
      await app.close();
    }
  });

  it("sets the config's level on the logger it created itself", async () => {
    const runtime = createRuntime({
      env: {},
      config: { runtime: { ops: { enabled: false }, stateDir: await stateDir(), log: { level: "silent" } } },
    });
    runtimes.push(runtime);
    await runtime.start();
    expect(runtime.log.level).toBe("silent");
  });
});
