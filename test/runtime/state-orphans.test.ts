import { spawn } from "node:child_process";
import { mkdtemp, readdir, rm, utimes, writeFile } from "node:fs/promises";
import { hostname, tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createRuntime } from "../../src/index.js";
import { silentLogger } from "../../src/common/logger.js";
import { snapshotFileName, snapshotTempFileName, StateStore } from "../../src/runtime/state-store.js";
import { waitFor } from "../helpers/wait.js";
import { RecordingLogger } from "./recording-logger.js";

const writer = fileURLToPath(new URL("./fixtures/state-writer-child.ts", import.meta.url));
const tsxLoader = pathToFileURL(fileURLToPath(new URL("../../node_modules/tsx/dist/loader.mjs", import.meta.url))).href;

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "plexus-orphans-"));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const temps = async (): Promise<string[]> => (await readdir(dir)).filter((name) => name.endsWith(".tmp"));

/** Runs a writer until it is in the middle of a save, then SIGKILLs it; resolves once a temp file is left behind. */
async function killWriterMidSave(): Promise<string[]> {
  for (let attempt = 0; attempt < 10; attempt++) {
    const child = spawn(process.execPath, ["--import", tsxLoader, writer], {
      env: { ...process.env, PLEXUS_STATE_DIR: dir },
      stdio: "ignore",
    });
    const exited = new Promise<void>((resolve) => child.on("exit", () => resolve()));
    await waitFor(async () => (await temps()).length > 0, "the writer to be in the middle of a save", 20_000, 1);
    child.kill("SIGKILL");
    await exited;
    const left = await temps();
    if (left.length > 0) return left;
  }
  throw new Error("no temp file was left behind after 10 kills");
}

describe("orphaned snapshot temp files", () => {
  it("a temp file left by a writer killed mid-save is removed at the next start", async () => {
    const left = await killWriterMidSave();
    const log = new RecordingLogger();
    const runtime = createRuntime({ logger: log, config: { runtime: { name: "after-kill", ops: { enabled: false }, stateDir: dir } } });
    await runtime.start();
    try {
      expect(await temps()).toEqual([]);
      expect(log.find("info", /removed 1 orphaned snapshot temp file/)[0]?.fields).toMatchObject({ files: left });
    } finally {
      await runtime.stop();
    }
  }, 60_000);

  it("keeps the temp files of a live writer (another runtime sharing the stateDir) and files plexus did not write", async () => {
    const live = spawn(process.execPath, ["-e", "setInterval(() => {}, 1000)"], { stdio: "ignore" });
    try {
      const kept = [
        snapshotTempFileName("root/shared", hostname(), live.pid!, 1),
        snapshotTempFileName("root/mine", hostname(), process.pid, 7),
        // Another host's writer may be alive: its fresh temp file is not ours to judge.
        snapshotTempFileName("root/remote", "other-host", 4242, 1),
        "notes.tmp",
        ".hidden.tmp",
        snapshotFileName("root/shared"),
      ];
      for (const name of kept) await writeFile(join(dir, name), "{}");
      const removed = await new StateStore(dir, silentLogger()).removeOrphans();
      expect(removed).toEqual([]);
      expect((await readdir(dir)).sort()).toEqual([...kept].sort());
    } finally {
      live.kill("SIGKILL");
    }
  });

  it("removes a temp file of a writer that is gone: on this host by its pid, elsewhere once it is older than any save", async () => {
    const gone = spawn(process.execPath, ["-e", ""], { stdio: "ignore" });
    await new Promise((resolve) => gone.on("exit", resolve));
    const deadHere = snapshotTempFileName("root/a", hostname(), gone.pid!, 3);
    const staleRemote = snapshotTempFileName("root/b", "other-host", 4242, 1);
    // The name the store used before it recorded the host: judged by age alone.
    const staleUnknownHost = `.${snapshotFileName("root/c")}.4242.1.tmp`;
    for (const name of [deadHere, staleRemote, staleUnknownHost]) await writeFile(join(dir, name), "{}");
    const anHourAgo = new Date(Date.now() - 60 * 60 * 1000);
    await utimes(join(dir, staleRemote), anHourAgo, anHourAgo);
    await utimes(join(dir, staleUnknownHost), anHourAgo, anHourAgo);
    const removed = await new StateStore(dir, silentLogger()).removeOrphans();
    expect(removed.sort()).toEqual([deadHere, staleRemote, staleUnknownHost].sort());
    expect(await temps()).toEqual([]);
  });

  it("a missing state directory has no orphans", async () => {
    expect(await new StateStore(join(dir, "never-created"), silentLogger()).removeOrphans()).toEqual([]);
  });
});
