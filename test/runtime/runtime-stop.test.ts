import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { createRuntime, defineActor, type Runtime } from "../../src/index.js";
import { RecordingLogger } from "./recording-logger.js";

/** What the slow actors did, in the order they did it. */
interface StopRecord {
  journal: string[];
}

/** An actor whose stop takes `stopMs` and publishes `bye.<id>` at its very end. */
function slowStopper(record: StopRecord) {
  return defineActor({
    kind: "slow-stopper",
    options: { type: "object", properties: { stopMs: { type: "integer", default: 300 } } },
    start(ctx) {
      return async () => {
        record.journal.push(`${ctx.id} stop begins`);
        await new Promise((resolve) => setTimeout(resolve, ctx.options.stopMs as number));
        await ctx.bus.publish(`bye.${ctx.id}`, { id: ctx.id });
        record.journal.push(`${ctx.id} stop ends`);
      };
    },
  });
}

let runtime: Runtime | undefined;
let dir: string | undefined;
afterEach(async () => {
  await runtime?.stop();
  runtime = undefined;
  if (dir) await rm(dir, { recursive: true, force: true });
  dir = undefined;
});

async function stateDir(): Promise<string> {
  dir = await mkdtemp(join(tmpdir(), "plexus-runtime-stop-"));
  return dir;
}

describe("runtime.stop() lets the tree stop before anything under it closes", () => {
  it("runs every stop function to its end, child by child in reverse order, before stop() resolves", async () => {
    const record: StopRecord = { journal: [] };
    runtime = createRuntime({
      logger: new RecordingLogger(),
      kinds: [slowStopper(record)],
      config: {
        runtime: { name: "stop-order", ops: { enabled: false }, stateDir: await stateDir() },
        children: [
          { id: "first", kind: "slow-stopper" },
          { id: "second", kind: "slow-stopper" },
        ],
      },
    });
    await runtime.start();
    await runtime.stop();
    record.journal.push("stop() resolved");
    expect(record.journal).toEqual(["second stop begins", "second stop ends", "first stop begins", "first stop ends", "stop() resolved"]);
  });

  it("a publish from a stop function reaches subscribers", async () => {
    const record: StopRecord = { journal: [] };
    const log = new RecordingLogger();
    runtime = createRuntime({
      logger: log,
      kinds: [slowStopper(record)],
      config: {
        runtime: { name: "stop-publish", ops: { enabled: false }, stateDir: await stateDir() },
        children: [
          { id: "first", kind: "slow-stopper" },
          { id: "second", kind: "slow-stopper" },
        ],
      },
    });
    await runtime.start();
    const farewells: string[] = [];
    await runtime.bus.subscribe<{ id: string }>("bye.*", (envelope) => void farewells.push(envelope.payload.id));
    await runtime.stop();
    expect(farewells).toEqual(["second", "first"]);
    expect(runtime.bus.stats().drops).toEqual({});
    expect(log.find("error", /./)).toEqual([]);
  });

  it("gives a child started at run time its whole shutdown budget, however long", async () => {
    const record: StopRecord = { journal: [] };
    const log = new RecordingLogger();
    runtime = createRuntime({
      logger: log,
      kinds: [slowStopper(record)],
      config: { runtime: { name: "stop-dynamic", ops: { enabled: false }, stateDir: await stateDir() }, children: [] },
    });
    await runtime.start();
    // Longer than any fixed budget the root could have been given when the config was loaded.
    await runtime.startChild("root", { id: "late", kind: "slow-stopper", shutdown: "20s", options: { stopMs: 5_500 } });
    await runtime.stop();
    record.journal.push("stop() resolved");
    expect(record.journal).toEqual(["late stop begins", "late stop ends", "stop() resolved"]);
    expect(log.find("error", /did not stop in time|abandoned/)).toEqual([]);
    expect(runtime.state).toBe("stopped");
  }, 20_000);
});
