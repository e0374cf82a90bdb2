import { EventEmitter } from "node:events";
import { PassThrough, Readable } from "node:stream";
import { pino } from "pino";
import { describe, expect, it } from "vitest";
import type { CliIo } from "../../src/cli/cli-io.js";
import { runStart, type StartDependencies } from "../../src/cli/start.js";
import { ConfigError } from "../../src/common/config-error.js";
import type { Runtime } from "../../src/runtime/runtime.js";
import { waitFor } from "../helpers/wait.js";

/** A runtime stand-in whose start/stop/done the test controls. */
function fakeRuntime(behaviour: { start?: () => Promise<void>; stopHangs?: boolean } = {}) {
  const logs: Array<{ level: number; msg: string }> = [];
  let finish!: (result: { reason?: Error }) => void;
  const done = new Promise<{ reason?: Error }>((resolve) => (finish = resolve));
  const calls = { start: 0, stop: 0 };
  const runtime = {
    log: pino({ level: "debug" }, { write: (line: string) => logs.push(JSON.parse(line) as { level: number; msg: string }) }),
    done,
    start: async () => {
      calls.start++;
      await behaviour.start?.();
    },
    stop: async () => {
      calls.stop++;
      if (behaviour.stopHangs) return new Promise<void>(() => {});
      finish({});
    },
  };
  return { runtime: runtime as unknown as Runtime, finish, logs, calls };
}

function testIo(): { io: CliIo; stderr: () => string } {
  let stderr = "";
  const err = new PassThrough();
  err.on("data", (chunk: Buffer) => (stderr += chunk.toString("utf8")));
  return { io: { stdout: new PassThrough(), stderr: err, stdin: Readable.from([]), env: {}, cwd: process.cwd() }, stderr: () => stderr };
}

function deps(runtime: Runtime, overrides: Partial<StartDependencies> = {}) {
  const signals = new EventEmitter();
  const exits: number[] = [];
  const dependencies: StartDependencies = {
    createRuntime: () => runtime,
    signals: signals as unknown as StartDependencies["signals"],
    exitNow: (code) => exits.push(code),
    ...overrides,
  };
  return { dependencies, signals, exits };
}

describe("plexus start (signal and exit-code handling)", () => {
  it("stops the runtime on SIGTERM, exits 0 and removes its signal handlers", async () => {
    const fake = fakeRuntime();
    const { dependencies, signals } = deps(fake.runtime);
    const running = runStart({ config: "x.yaml" }, testIo().io, dependencies);
    await waitFor(() => fake.calls.start === 1 && signals.listenerCount("SIGTERM") === 1, "start to be called");
    signals.emit("SIGTERM");
    expect(await running).toBe(0);
    expect(fake.calls.stop).toBe(1);
    expect(signals.listenerCount("SIGTERM") + signals.listenerCount("SIGINT")).toBe(0);
    expect(fake.logs.some((l) => l.msg.includes("SIGTERM received"))).toBe(true);
  });

  it("exits 130 at once on a second signal while stopping", async () => {
    const fake = fakeRuntime({ stopHangs: true });
    const { dependencies, signals, exits } = deps(fake.runtime);
    void runStart({}, testIo().io, dependencies);
    await waitFor(() => fake.calls.start === 1, "start to be called");
    signals.emit("SIGINT");
    expect(exits).toEqual([]);
    signals.emit("SIGINT");
    expect(exits).toEqual([130]);
  });

  it("exits 70 and logs the reason when the root supervisor fails", async () => {
    const fake = fakeRuntime();
    const { dependencies } = deps(fake.runtime);
    const running = runStart({}, testIo().io, dependencies);
    await waitFor(() => fake.calls.start === 1, "start to be called");
    fake.finish({ reason: new Error("root gave up: heartbeat restarted 6 times in 30 s") });
    expect(await running).toBe(70);
    expect(fake.logs.find((l) => l.level === 50)?.msg).toContain("root gave up");
  });

  it("prints a config error and exits 78, whether it comes from createRuntime or start", async () => {
    const configError = new ConfigError(
      [{ file: "bad.yaml", line: 3, column: 5, path: "children[0].kind", message: 'unknown kind "hartbeat"; did you mean "heartbeat"?' }],
      "bad.yaml",
    );
    const fromStart = fakeRuntime({ start: () => Promise.reject(configError) });
    const first = testIo();
    expect(await runStart({}, first.io, deps(fromStart.runtime).dependencies)).toBe(78);
    expect(first.stderr()).toContain('bad.yaml:3:5 children[0].kind: unknown kind "hartbeat"');

    const second = testIo();
    const throwing = deps(fromStart.runtime, {
      createRuntime: () => {
        throw configError;
      },
    });
    expect(await runStart({}, second.io, throwing.dependencies)).toBe(78);
    expect(second.stderr()).toContain("invalid config bad.yaml");
  });

  it("exits 70 when the runtime cannot start for another reason, and 0 when a signal interrupted the start", async () => {
    const failing = fakeRuntime({ start: () => Promise.reject(new Error("ops port 8001 on 127.0.0.1 is in use")) });
    const io = testIo();
    expect(await runStart({}, io.io, deps(failing.runtime).dependencies)).toBe(70);
    expect(io.stderr()).toContain("could not start: ops port 8001");

    let rejectStart!: (error: Error) => void;
    const interrupted = fakeRuntime({ start: () => new Promise((_, reject) => (rejectStart = reject)) });
    const { dependencies, signals } = deps(interrupted.runtime);
    const running = runStart({}, testIo().io, dependencies);
    await waitFor(() => interrupted.calls.start === 1, "start to be called");
    signals.emit("SIGTERM");
    rejectStart(new Error("stopped while starting"));
    expect(await running).toBe(0);
  });
});
