import { fork } from "node:child_process";
import { fileURLToPath, pathToFileURL } from "node:url";
import { describe, expect, it } from "vitest";
import { waitFor } from "../helpers/wait.js";

const child = fileURLToPath(new URL("./fixtures/idle-runtime-child.ts", import.meta.url));
const tsxLoader = pathToFileURL(fileURLToPath(new URL("../../node_modules/tsx/dist/loader.mjs", import.meta.url))).href;

describe("a runtime runs until it is stopped", () => {
  it("keeps its process alive with no children and no ops server, and lets it end once stopped", async () => {
    const runner = fork(child, [], { execArgv: ["--import", tsxLoader], stdio: ["ignore", "ignore", "pipe", "ipc"] });
    const messages: unknown[] = [];
    runner.on("message", (message) => messages.push(message));
    let stderr = "";
    runner.stderr?.on("data", (chunk: Buffer) => (stderr += chunk.toString("utf8")));
    const exited = new Promise<number | string>((resolve) => runner.on("exit", (code, signal) => resolve(code ?? signal ?? "unknown")));
    let exitCode: number | string | undefined;
    void exited.then((code) => (exitCode = code));

    await waitFor(() => messages.includes("running") || exitCode !== undefined, "the runtime to run", 20_000);
    // The witness: the process is still there to take the stop message and answer it.
    runner.send("stop");
    expect(await exited).toBe(0);
    expect(messages).toEqual(["running", "stopped"]);
    expect(stderr).toBe("");
  }, 30_000);
});
