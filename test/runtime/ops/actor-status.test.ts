import { describe, expect, it } from "vitest";
import { createRuntime, defineActor } from "../../../src/index.js";
import { silentLogger } from "../../../src/common/logger.js";
import { runtimeScope } from "../../helpers/runtime-scope.js";
import { waitFor } from "../../helpers/wait.js";

const scope = runtimeScope("plexus-actor-status-");

let handled = 0;
const counter = defineActor({
  kind: "counter",
  async start(ctx) {
    await ctx.bus.subscribe("count.*", () => void (handled += 1));
    ctx.ops.status(() => ({ handled, queue: { depth: 0 } }));
  },
});
const broken = defineActor({
  kind: "broken-status",
  start(ctx) {
    ctx.ops.status(() => {
      throw new Error("not ready to say");
    });
  },
});

async function health(): Promise<{ actors: Array<{ path: string; status?: unknown }> }> {
  const response = await fetch(`${scope.runtime!.opsAddress!.url}/health`);
  return (await response.json()) as { actors: Array<{ path: string; status?: unknown }> };
}

describe("actors report their own status in /health", () => {
  it("shows what each actor reports, live; a throwing provider shows its error; a stopped actor reports nothing", async () => {
    scope.runtime = createRuntime({
      logger: silentLogger(),
      kinds: [counter, broken],
      config: {
        runtime: { name: "status", ops: { port: 0 }, stateDir: await scope.stateDir() },
        children: [
          { id: "counter", kind: "counter" },
          { id: "broken", kind: "broken-status" },
          { id: "quiet", kind: "heartbeat" },
        ],
      },
    });
    await scope.runtime.start();
    await scope.runtime.bus.publish("count.a", {});
    await waitFor(() => handled === 1, "the message");
    const statusOf = async (path: string) => (await health()).actors.find((actor) => actor.path === path);
    expect((await statusOf("root/counter"))?.status).toEqual({ handled: 1, queue: { depth: 0 } });
    expect((await statusOf("root/broken"))?.status).toEqual({ error: "status unavailable: not ready to say" });
    expect((await statusOf("root/quiet"))?.status).toBeUndefined();

    await scope.runtime.stopChild("root", "counter");
    // The same id, now a kind that reports nothing: the old incarnation's provider is gone.
    await scope.runtime.startChild("root", { id: "counter", kind: "heartbeat" });
    expect(await statusOf("root/counter")).toMatchObject({ path: "root/counter", state: "running" });
    expect((await statusOf("root/counter"))?.status).toBeUndefined();
  });
});
