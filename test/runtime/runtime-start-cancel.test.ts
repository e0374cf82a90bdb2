import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { createRuntime, defineActor, MemoryTransport, type LifecycleEvent, type Runtime } from "../../src/index.js";
import { silentLogger } from "../../src/common/logger.js";
import { silentEndpoint } from "../helpers/silent-endpoint.js";
import { waitFor } from "../helpers/wait.js";

let runtime: Runtime | undefined;
const cleanup: Array<() => Promise<unknown> | void> = [];
afterEach(async () => {
  await runtime?.stop();
  runtime = undefined;
  for (const step of cleanup.splice(0).reverse()) await step();
});

async function stateDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "plexus-start-cancel-"));
  cleanup.push(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

/** What start() settled with. */
function settled(promise: Promise<void>): Promise<{ resolved: true } | { resolved: false; error: { code?: string; message: string } }> {
  return promise.then(
    () => ({ resolved: true as const }),
    (error: { code?: string; message: string }) => ({ resolved: false as const, error }),
  );
}

describe("stop() during start() cancels the start", () => {
  it("while the zmq transport waits for a route: start rejects START_CANCELLED, the sockets are closed, the runtime never runs", async () => {
    const xsub = await silentEndpoint();
    const xpub = await silentEndpoint();
    cleanup.push(
      () => void xsub.server.close(),
      () => void xpub.server.close(),
    );
    runtime = createRuntime({
      logger: silentLogger(),
      config: {
        runtime: { name: "cancel-zmq", ops: { enabled: false }, stateDir: await stateDir() },
        transport: { kind: "zmq", xsub: xsub.url, xpub: xpub.url, connectWait: "5s" },
        children: [{ id: "beat", kind: "heartbeat" }],
      },
    });
    const events: LifecycleEvent[] = [];
    runtime.on("lifecycle", (event) => events.push(event));
    const starting = settled(runtime.start());
    await waitFor(() => xsub.sockets.size > 0 && xpub.sockets.size > 0, "the transport to connect to both endpoints", 10_000);

    await runtime.stop();
    expect(runtime.state).toBe("stopped");
    // Released by the time stop() resolved (libzmq closes its TCP connections on its own thread).
    await waitFor(() => xsub.sockets.size === 0 && xpub.sockets.size === 0, "the zmq sockets to be closed");
    const outcome = await starting;
    expect(outcome).toMatchObject({ resolved: false, error: { code: "START_CANCELLED" } });
    expect(outcome.resolved ? "" : outcome.error.message).toMatch(
      /stop\(\) was called while the runtime was starting \(connecting the transport\)/,
    );
    expect(runtime.state).toBe("stopped");
    expect(events.filter((event) => event.state === "running")).toEqual([]);
  }, 20_000);

  it("while an actor starts: its signal aborts, start rejects START_CANCELLED, stop() resolves once the tree stopped", async () => {
    let aborted = false;
    const slowStart = defineActor({
      kind: "slow-start",
      async start(ctx) {
        await new Promise<void>((resolve) => ctx.signal.addEventListener("abort", () => resolve(), { once: true }));
        aborted = true;
      },
    });
    runtime = createRuntime({
      logger: silentLogger(),
      kinds: [slowStart],
      config: {
        runtime: { name: "cancel-tree", ops: { enabled: false }, stateDir: await stateDir() },
        children: [{ id: "slow", kind: "slow-start" }],
      },
    });
    const events: LifecycleEvent[] = [];
    runtime.on("lifecycle", (event) => events.push(event));
    const starting = settled(runtime.start());
    await waitFor(() => events.some((event) => event.id === "slow" && event.state === "starting"), "the actor to be starting");
    await runtime.stop();
    expect(aborted).toBe(true);
    expect(await starting).toMatchObject({ resolved: false, error: { code: "START_CANCELLED" } });
    expect(runtime.tree().state).toBe("stopped");
    expect(runtime.state).toBe("stopped");
  });

  it("right after start() was called (loading the config): nothing starts at all", async () => {
    runtime = createRuntime({
      logger: silentLogger(),
      config: {
        runtime: { name: "cancel-early", ops: { port: 0 }, stateDir: await stateDir() },
        children: [{ id: "beat", kind: "heartbeat" }],
      },
    });
    const events: LifecycleEvent[] = [];
    runtime.on("lifecycle", (event) => events.push(event));
    const starting = settled(runtime.start());
    await runtime.stop();
    const outcome = await starting;
    expect(outcome).toMatchObject({ resolved: false, error: { code: "START_CANCELLED" } });
    expect(runtime.state).toBe("stopped");
    expect(runtime.opsAddress).toBeUndefined();
    expect(events).toEqual([]);
  });

  it("while a transport factory runs: what it returns late is closed before stop() resolves", async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const transport = new MemoryTransport();
    let closed = false;
    const close = transport.close.bind(transport);
    transport.close = async () => {
      closed = true;
      await close();
    };
    let called = false;
    runtime = createRuntime({
      logger: silentLogger(),
      config: { runtime: { name: "cancel-factory", ops: { enabled: false }, stateDir: await stateDir() } },
      transport: async () => {
        called = true;
        await gate;
        return transport;
      },
    });
    const starting = settled(runtime.start());
    await waitFor(() => called, "the factory to be called");
    const stopping = runtime.stop();
    release();
    await stopping;
    expect(closed).toBe(true);
    expect(await starting).toMatchObject({
      resolved: false,
      error: { code: "START_CANCELLED", message: expect.stringMatching(/\(building the transport\)/) },
    });
    expect(runtime.state).toBe("stopped");
  });
});
