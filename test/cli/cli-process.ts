import { spawn, type ChildProcess } from "node:child_process";
import { fileURLToPath, pathToFileURL } from "node:url";

const repoRoot = fileURLToPath(new URL("../../", import.meta.url));
const cliEntry = fileURLToPath(new URL("../../src/cli.ts", import.meta.url));
// By absolute URL: `--import tsx` would resolve from the child's cwd, which tests vary.
const tsxLoader = pathToFileURL(fileURLToPath(new URL("../../node_modules/tsx/dist/loader.mjs", import.meta.url))).href;

/** A running `plexus` child process with its output collected as it arrives. */
export interface CliProcess {
  child: ChildProcess;
  stdout(): string;
  stderr(): string;
  /** Resolves with the exit code (or 128 + signal number style name when killed). */
  exited: Promise<number | string>;
}

/** Starts the CLI from source (`node --import tsx src/cli.ts …`), as users run the built bin. */
export function startCli(args: string[], options: { env?: NodeJS.ProcessEnv; cwd?: string; input?: string } = {}): CliProcess {
  const env: NodeJS.ProcessEnv = { ...process.env, PLEXUS_LOG_PRETTY: "0", ...options.env };
  // Tests must not inherit a token or require one by accident.
  if (!options.env?.PLEXUS_TOKEN) delete env.PLEXUS_TOKEN;
  const child = spawn(process.execPath, ["--import", tsxLoader, cliEntry, ...args], {
    cwd: options.cwd ?? repoRoot,
    env,
    stdio: ["pipe", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout!.on("data", (chunk: Buffer) => (stdout += chunk.toString("utf8")));
  child.stderr!.on("data", (chunk: Buffer) => (stderr += chunk.toString("utf8")));
  if (options.input !== undefined) child.stdin!.end(options.input);
  else child.stdin!.end();
  const exited = new Promise<number | string>((resolve) => child.on("close", (code, signal) => resolve(code ?? signal ?? "unknown")));
  return { child, stdout: () => stdout, stderr: () => stderr, exited };
}

/** Runs the CLI to completion. */
export async function runCliProcess(
  args: string[],
  options: { env?: NodeJS.ProcessEnv; cwd?: string; input?: string } = {},
): Promise<{ code: number | string; stdout: string; stderr: string }> {
  const cli = startCli(args, options);
  const code = await cli.exited;
  return { code, stdout: cli.stdout(), stderr: cli.stderr() };
}
