import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { Redis } from "ioredis";
import { describe, expect, it } from "vitest";
import type { ReplayPage } from "../../../src/actors/control/actor.js";
import type { LifecycleAck } from "../../../src/actors/control/lifecycle-ack.js";
import { startFailureExitCode } from "../../../src/cli/exit-codes.js";
import { silentLogger } from "../../../src/common/logger.js";
import { createRuntime, type Runtime, type TransportConfig } from "../../../src/index.js";
import { runtimeScope } from "../../helpers/runtime-scope.js";
import { REDIS_URL, redisHostPort, serviceAvailable } from "../../helpers/services.js";
import { runPrefix } from "../../helpers/wait.js";
import { runInProcess } from "../../cli/memory-io.js";
import { deleteKeys } from "../../transports/redis/kit.js";

const scope = runtimeScope("plexus-control-");
const COMMANDS = "kasmina.control.lifecycle.transition";
const controllerSpec = { id: "control", kind: "lifecycle-controller", options: {} };

async function startRuntime(stateDir: string, transport: TransportConfig = { kind: "memory" }, options = {}): Promise<Runtime> {
  scope.runtime = createRuntime({
    logger: silentLogger(),
    config: {
      runtime: { name: "control", ops: { port: 0 }, stateDir },
      transport,
      children: [{ ...controllerSpec, options }],
    },
  });
  await scope.runtime.start();
  return scope.runtime;
}

const send = (runtime: Runtime, commandId: string, entityId: string, operation: string) =>
  runtime.bus.request<LifecycleAck>(COMMANDS, { commandId, entityId, operation }, { timeoutMs: 10_000 });

describe("lifecycle-controller in a runtime", () => {
  it("keeps entity states and acks across a restart of the actor and of the runtime (memory transport, file log)", async () => {
    const stateDir = await scope.stateDir();
    let runtime = await startRuntime(stateDir);
    const first = await send(runtime, "c1", "seed-7", "GERMINATE");
    await runtime.stopChild("root", "control");
    await runtime.startChild("root", controllerSpec);
    expect(await send(runtime, "c1", "seed-7", "GERMINATE")).toEqual(first);
    expect(await send(runtime, "c2", "seed-7", "START_TRAINING")).toMatchObject({ accepted: true, seq: 2 });
    await runtime.stop();
    runtime = await startRuntime(stateDir);
    expect(await send(runtime, "c2", "seed-7", "START_TRAINING")).toMatchObject({ accepted: true, seq: 2, from: "GERMINATED" });
    expect(await send(runtime, "c3", "seed-7", "START_TRAINING")).toMatchObject({ accepted: false, from: "TRAINING" });
    const page = await runtime.bus.request<ReplayPage>("kasmina.events.replay", { fromSeq: 1 });
    expect(page.events.map((event) => `${event.seq}:${event.commandId}:${event.to}`)).toEqual(["1:c1:GERMINATED", "2:c2:TRAINING"]);
    const printed = await runInProcess(["replay", "--from", "2", "--url", runtime.opsAddress!.url]);
    expect(printed.code).toBe(0);
    expect(
      printed.stdout
        .trimEnd()
        .split("\n")
        .map((line) => JSON.parse(line) as { seq: number; to: string }),
    ).toEqual([expect.objectContaining({ seq: 2, commandId: "c2", to: "TRAINING" })]);
  });

  it("fails to start with a configuration error (exit 78) naming a malformed lifecycle file", async () => {
    const stateDir = await scope.stateDir();
    const file = join(stateDir, "broken.yaml");
    await writeFile(file, "name: broken\ninitial: A\nstates: [A]\noperations: [GO]\ntransitions:\n  - { from: A, operation: GO, to: Z }\n");
    const error = await startRuntime(stateDir, { kind: "memory" }, { lifecycleFile: file }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toContain(file);
    expect((error as Error).message).toContain("'Z' is not one of the states");
    expect(startFailureExitCode(error)).toBe(78);
    scope.runtime = undefined;
  });
});

const { host, port } = redisHostPort();
const hasRedis = await serviceAvailable("redis", host, port);

describe.skipIf(!hasRedis)("lifecycle-controller over redis", () => {
  it("keeps commands idempotent across an actor restart and replays the event log from its stream", async () => {
    const prefix = runPrefix("control");
    const admin = new Redis(REDIS_URL);
    try {
      const stateDir = await scope.stateDir();
      const transport: TransportConfig = { kind: "redis", url: REDIS_URL, prefix };
      let runtime = await startRuntime(stateDir, transport);
      const acks = await Promise.all(["a", "b", "c"].map((entity, index) => send(runtime, `g${index}`, entity, "GERMINATE")));
      expect(acks.map((ack) => ack.seq).sort()).toEqual([1, 2, 3]);
      await runtime.stopChild("root", "control");
      await runtime.startChild("root", controllerSpec);
      expect(await send(runtime, "g1", "b", "GERMINATE")).toEqual(acks[1]);
      expect(await send(runtime, "t1", "b", "START_TRAINING")).toMatchObject({ accepted: true, seq: 4 });
      await runtime.stop();
      // A new runtime with an empty state directory: everything comes back from the stream.
      runtime = await startRuntime(await scope.stateDir(), transport);
      expect(await send(runtime, "g2", "c", "GERMINATE")).toEqual(acks[2]);
      expect(await send(runtime, "t1", "b", "START_TRAINING")).toMatchObject({ accepted: true, seq: 4 });
      expect(await send(runtime, "x", "b", "GERMINATE")).toMatchObject({ accepted: false, from: "TRAINING" });
      const key = `${prefix}:control:root/control:events`;
      expect((await admin.xrange(key, "-", "+")).map(([id]) => id)).toEqual(["1-0", "2-0", "3-0", "4-0"]);
      const page = await runtime.bus.request<ReplayPage>("kasmina.events.replay", { fromSeq: 3 }, { timeoutMs: 10_000 });
      expect(page.events.map((event) => event.seq)).toEqual([3, 4]);
      expect(page).toMatchObject({ nextSeq: 5, lastSeq: 4 });
      const config = join(stateDir, "redis.yaml");
      await writeFile(config, `transport: { kind: redis, url: "${REDIS_URL}", prefix: "${prefix}" }\n`);
      const printed = await runInProcess(["replay", "--from", "1", "--count", "3", "-c", config]);
      expect(printed.stderr).toBe("");
      expect(
        printed.stdout
          .trimEnd()
          .split("\n")
          .map((line) => (JSON.parse(line) as { seq: number }).seq),
      ).toEqual([1, 2, 3]);
    } finally {
      await scope.runtime?.stop();
      scope.runtime = undefined;
      await deleteKeys(admin, prefix);
      admin.disconnect();
    }
  });
});
