import { runtimeScope } from "../helpers/runtime-scope.js";
import { describe, expect, it } from "vitest";
import { createRuntime, defineActor } from "../../src/index.js";
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

const scope = runtimeScope("plexus-runtime-stop-");

describe("runtime.stop() lets the tree stop before anything under it closes", () => {
  it("runs every stop function to its end, child by child in reverse order, before stop() resolves", async () => {
    const record: StopRecord = { journal: [] };
    scope.runtime = createRuntime({
      logger: new RecordingLogger(),
      kinds: [slowStopper(record)],
      config: {
        runtime: { name: "stop-order", ops: { enabled: false }, stateDir: await scope.stateDir() },
        children: [
          { id: "first", kind: "slow-stopper" },
          { id: "second", kind: "slow-stopper" },
        ],
      },
    });
    await scope.runtime.start();
    await scope.runtime.stop();
    record.journal.push("stop() resolved");
    expect(record.journal).toEqual(["second stop begins", "second stop ends", "first stop begins", "first stop ends", "stop() resolved"]);
  });

  it("a publish from a stop function reaches subscribers", async () => {
    const record: StopRecord = { journal: [] };
    const log = new RecordingLogger();
    scope.runtime = createRuntime({
      logger: log,
      kinds: [slowStopper(record)],
      config: {
        runtime: { name: "stop-publish", ops: { enabled: false }, stateDir: await scope.stateDir() },
        children: [
          { id: "first", kind: "slow-stopper" },
          { id: "second", kind: "slow-stopper" },
        ],
      },
    });
    await scope.runtime.start();
    const farewells: string[] = [];
    await scope.runtime.bus.subscribe<{ id: string }>("bye.*", (envelope) => void farewells.push(envelope.payload.id));
    await scope.runtime.stop();
    expect(farewells).toEqual(["second", "first"]);
    expect(scope.runtime.bus.stats().drops).toEqual({});
    expect(log.find("error", /./)).toEqual([]);
  });

  it("gives a child started at run time its whole shutdown budget, however long", async () => {
    const record: StopRecord = { journal: [] };
    const log = new RecordingLogger();
    scope.runtime = createRuntime({
      logger: log,
      kinds: [slowStopper(record)],
      config: { runtime: { name: "stop-dynamic", ops: { enabled: false }, stateDir: await scope.stateDir() }, children: [] },
    });
    await scope.runtime.start();
    // Longer than any fixed budget the root could have been given when the config was loaded.
    await scope.runtime.startChild("root", { id: "late", kind: "slow-stopper", shutdown: "20s", options: { stopMs: 5_500 } });
    await scope.runtime.stop();
    record.journal.push("stop() resolved");
    expect(record.journal).toEqual(["late stop begins", "late stop ends", "stop() resolved"]);
    expect(log.find("error", /did not stop in time|abandoned/)).toEqual([]);
    expect(scope.runtime.state).toBe("stopped");
  }, 20_000);
});
