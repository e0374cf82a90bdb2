import { PassThrough, Readable } from "node:stream";
import type { CliIo } from "../../src/cli/cli-io.js";
import { runCli } from "../../src/cli/program.js";
import { waitFor } from "../helpers/wait.js";

/** Written after the command ended; streams keep order, so its arrival means all output did. */
const FLUSH_MARK = "\u0000plexus-test-flush\u0000";

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
  /** Resolves once everything written to stdout and stderr so far has been collected. */
  const flushed = async (): Promise<void> => {
    out.write(FLUSH_MARK);
    err.write(FLUSH_MARK);
    await waitFor(() => stdout.includes(FLUSH_MARK) && stderr.includes(FLUSH_MARK), "the CLI's output streams to deliver what was written");
  };
  const clean = (text: string) => text.split(FLUSH_MARK).join("");
  return { exited, flushed, stdout: () => clean(stdout), stderr: () => clean(stderr) };
}

/** Runs the CLI in-process to completion. */
export async function runInProcess(
  args: string[],
  options: { env?: NodeJS.ProcessEnv; input?: string; cwd?: string } = {},
): Promise<{ code: number; stdout: string; stderr: string }> {
  const cli = invokeCli(args, options);
  const code = await cli.exited;
  // PassThrough delivers 'data' asynchronously: wait for a marker written after the command ended.
  await cli.flushed();
  return { code, stdout: cli.stdout(), stderr: cli.stderr() };
}
