import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { proxyActor, proxyOptionsSchema } from "../../src/actors/proxy/actor.js";
import { XsubXpubForwarder } from "../../src/actors/proxy/xsub-xpub-forwarder.js";
import type { LifecycleEvent } from "../../src/runtime/lifecycle-types.js";
import { silentLogger } from "../../src/common/logger.js";
import { createRuntime } from "../../src/create-runtime.js";
import type { ActorContext } from "../../src/runtime/actor-context.js";
import { defineActor, type OptionsFromSchema, type StartActorDefinition } from "../../src/runtime/define-actor.js";
import type { Runtime } from "../../src/runtime/runtime.js";
import type { Envelope } from "../../src/transports/envelope.js";
import { waitFor } from "../helpers/wait.js";

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** Two loopback endpoints the OS just handed out and that are free again. */
async function freeEndpoints(): Promise<{ xsub: string; xpub: string }> {
  const probe = await XsubXpubForwarder.start({ xsub: "tcp://127.0.0.1:*", xpub: "tcp://127.0.0.1:*" });
  const endpoints = probe.endpoints;
  await probe.stop();
  return endpoints;
}

async function runtime(
  name: string,
  endpoints: { xsub: string; xpub: string },
  withProxy: boolean,
  ifBound: "fail" | "join" = "fail",
  mode: "native" | "counting" = "native",
  kinds: Array<typeof proxyActor> = [proxyActor],
  kind = "proxy",
): Promise<Runtime> {
  const stateDir = await mkdtemp(join(tmpdir(), "plexus-proxy-"));
  cleanups.push(() => rm(stateDir, { recursive: true, force: true }));
  const children = withProxy
    ? [{ id: "chem-proxy", kind, restart: "permanent" as const, options: { xsub: endpoints.xsub, xpub: endpoints.xpub, ifBound, mode } }]
    : [];
  const instance = createRuntime({
    config: {
      runtime: { name, ops: { enabled: false }, stateDir },
      transport: { kind: "zmq", xsub: endpoints.xsub, xpub: endpoints.xpub },
      supervisor: { strategy: "one_for_one", intensity: 5, period: "30s" },
      children,
    },
    kinds,
    logger: silentLogger(),
  });
  cleanups.push(() => instance.stop());
  return instance;
}

describe("proxy actor inside runtimes", () => {
  it.each(["native", "counting"] as const)("hosts the bus proxy (%s mode) in one runtime and carries messages to another", async (mode) => {
    const endpoints = await freeEndpoints();
    const host = await runtime("host", endpoints, true, "fail", mode);
    await host.start();
    const client = await runtime("client", endpoints, false);
    await client.start();
    const seen: Envelope[] = [];
    await client.bus.subscribe("curiosity.*", (envelope) => void seen.push(envelope));
    await host.bus.publish("curiosity.question", { q: "why?" });
    await waitFor(() => seen.length === 1, "the message at the client runtime").catch((error: unknown) => {
      console.log(JSON.stringify({ host: host.bus.stats(), client: client.bus.stats() }, null, 1));
      throw error;
    });
    expect(seen[0]).toMatchObject({ source: "host", payload: { q: "why?" } });
  });

  it("a second proxy on the same endpoints fails once, non-retryably, naming the holder (no crash loop)", async () => {
    const endpoints = await freeEndpoints();
    const first = await runtime("kloros-chem-proxy", endpoints, true);
    await first.start();
    const second = await runtime("spica-chem-proxy", endpoints, true);
    const events: LifecycleEvent[] = [];
    second.on("lifecycle", (event) => void events.push(event));
    const outcome = await Promise.race([second.start().then(() => second.done), second.done]).catch((error: unknown) => ({
      reason: error as Error,
    }));
    const reason = outcome.reason;
    expect(reason).toBeDefined();
    const message = `${reason?.message ?? ""} ${String((reason as { cause?: unknown } | undefined)?.cause ?? "")}`;
    expect(message).toMatch(/ENDPOINT_IN_USE|already bound/);
    expect(message).toContain(endpoints.xsub);
    expect(message).toContain(`pid ${process.pid}`);
    // Escalated at once: the proxy child was never restarted.
    expect(events.filter((event) => event.id === "chem-proxy" && event.state === "restarting")).toEqual([]);
  });

  it("with ifBound: join a second runtime idles its proxy and uses the one that owns the endpoints", async () => {
    const endpoints = await freeEndpoints();
    const owner = await runtime("owner", endpoints, true);
    await owner.start();
    const joiner = await runtime("joiner", endpoints, true, "join");
    await joiner.start();
    expect(joiner.state).toBe("running");
    const seen: Envelope[] = [];
    await owner.bus.subscribe("zooid.>", (envelope) => void seen.push(envelope));
    await joiner.bus.publish("zooid.latency", { ms: 3 });
    await waitFor(() => seen.length === 1, "the joiner's message through the owner's proxy");
  });

  it.each(["native", "counting"] as const)(
    "a proxy (%s mode) that crashes is restarted on the same endpoints and carries messages again",
    async (mode) => {
      // The built-in kind, plus a handle to make its current incarnation fail as a dying proxy would.
      let current: ActorContext<OptionsFromSchema<typeof proxyOptionsSchema>> | undefined;
      const crashable = defineActor({
        kind: "crashable-proxy",
        description: "the proxy kind with a crash switch",
        options: proxyOptionsSchema,
        start(ctx) {
          current = ctx;
          return (proxyActor as StartActorDefinition<OptionsFromSchema<typeof proxyOptionsSchema>>).start(ctx);
        },
      });
      const endpoints = await freeEndpoints();
      const host = await runtime("host", endpoints, true, "fail", mode, [proxyActor, crashable as never], "crashable-proxy");
      const events: LifecycleEvent[] = [];
      host.on("lifecycle", (event) => void events.push(event));
      await host.start();
      const client = await runtime("client", endpoints, false);
      await client.start();
      const seen: Envelope[] = [];
      await client.bus.subscribe("zooid.*", (envelope) => void seen.push(envelope));
      await host.bus.publish("zooid.before", { n: 1 });
      await waitFor(() => seen.length === 1, "a message before the crash");
      const first = current;
      const mark = events.length;
      first?.fail(new Error("the proxy died"));
      await waitFor(() => {
        const after = events.slice(mark).filter((event) => event.id === "chem-proxy");
        return current !== first && after.some((event) => event.state === "restarting") && after.some((event) => event.state === "running");
      }, "the proxy restarted");
      // Both sides reconnect to the new incarnation on their own; publish until one gets through.
      await waitFor(async () => {
        await host.bus.publish("zooid.after", { n: 2 });
        return seen.some((envelope) => envelope.topic === "zooid.after");
      }, "a message through the restarted proxy");
      expect(host.state).toBe("running");
    },
  );
});
