#!/usr/bin/env node
/**
 * The `plexus` command (built to dist/cli.js, the package's bin). Commands are in `cli/`, one file
 * each; this file only runs them and turns their result into the process exit code.
 */
import { processIo } from "./cli/cli-io.js";
import { runCli } from "./cli/program.js";

const code = await runCli(process.argv, processIo());
if (process.argv[2] === "start") {
  // The runtime is fully stopped and pino writes synchronously: nothing is left to flush.
  process.exit(code);
}
process.exitCode = code;
// Let stdout drain and the event loop empty on its own; if a stray handle keeps it alive, leave anyway.
setTimeout(() => process.exit(code), 2_000).unref();
