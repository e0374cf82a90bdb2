import { PassThrough, Readable } from "node:stream";
import type { CliIo } from "../../src/cli/cli-io.js";
import { runCli } from "../../src/cli/program.js";

/** Runs the CLI in this process with in-memory streams (the whole command path but the bin wrapper). */
export function invokeCli(args: string[], options: { env?: NodeJS.ProcessEnv; input?: string; cwd?: string } = {}) {
  let stdout = "";
  let stderr = "";
  const out = new PassThrough();
  const err = new PassThrough();
  out.on("data", (chunk: Buffer) => (stdout += chunk.toString("utf8")));
  err.on("data", (chunk: Buffer) => (stderr += chunk.toString("utf8")));
  const io: CliIo = {
    stdout: out,
    stderr: err,
    stdin: Readable.from(options.input === undefined ? [] : [options.input]),
    env: { ...options.env },
    cwd: options.cwd ?? process.cwd(),
  };
  const exited = runCli(["node", "plexus", ...args], io);
  return { exited, stdout: () => stdout, stderr: () => stderr };
}

/** Runs the CLI in-process to completion. */
export async function runInProcess(
  args: string[],
  options: { env?: NodeJS.ProcessEnv; input?: string; cwd?: string } = {},
): Promise<{ code: number; stdout: string; stderr: string }> {
  const cli = invokeCli(args, options);
  const code = await cli.exited;
  // PassThrough delivers 'data' asynchronously; let the last chunks arrive.
  await new Promise((resolve) => setImmediate(resolve));
  return { code, stdout: cli.stdout(), stderr: cli.stderr() };
}
