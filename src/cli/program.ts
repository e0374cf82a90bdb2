import { Command, CommanderError } from "commander";
import { CliError } from "./cli-error.js";
import type { CliIo } from "./cli-io.js";
import { packageVersion } from "./config-file.js";
import { ExitCode } from "./exit-codes.js";
import { registerDirectClients } from "./direct-bus-client.js";
import { registerDoctorCommand } from "./doctor.js";
import { registerPubCommand } from "./pub.js";
import { registerQuestionsCommand } from "./questions.js";
import { registerReplayCommand } from "./replay.js";
import { registerScanCommand } from "./scan.js";
import { registerSidecarCommand } from "./sidecar.js";
import { registerStartCommand } from "./start.js";
import { registerStatusCommand } from "./status.js";
import { registerSubCommand } from "./sub.js";
import { registerValidateCommand } from "./validate.js";

/**
 * The `plexus` command tree. Each command lives in its own file and reports its exit code through
 * `setExit`; nothing here calls `process.exit`, so the program can run inside tests.
 */
export function buildProgram(io: CliIo, setExit: (code: number) => void): Command {
  const program = new Command();
  program
    .name("plexus")
    .description("a supervised actor runtime: run a config's supervision tree, and talk to a running one")
    .version(packageVersion(), "-V, --version")
    // Inherited by every subcommand: usage errors are thrown back to `runCli` instead of exiting.
    .exitOverride()
    .configureOutput({ writeOut: (text) => io.stdout.write(text), writeErr: (text) => io.stderr.write(text) })
    .showSuggestionAfterError()
    .addHelpText(
      "after",
      `
Examples:
  plexus start -c config/plexus.yaml     run the tree
  plexus validate -c my.yaml             check a config and its contracts
  plexus status                          the live tree of a running runtime
  plexus questions --severity high       what the monitors ask, most important first
  plexus pub orders.created '{"id": 1}'  publish through the runtime's ops server
  plexus sub 'orders.*' --count 1        print matching messages as JSON lines
  plexus sub -c chembus.yaml 'chem.>'    subscribe on a zmq/redis transport directly
  plexus replay --from 1 -c redis.yaml   a lifecycle controller's event log as JSON lines
  plexus doctor -c my.yaml               check transport, runtime and contracts
  plexus scan . --fail-on high           analyse a source tree once, like a linter
  plexus sidecar --registry http://127.0.0.1:8888 --name orders --url http://127.0.0.1:9001 --health /health

Logs go to stderr; stdout carries only data. Run "plexus <command> --help" for details.`,
    );
  registerStartCommand(program, io, setExit);
  registerValidateCommand(program, io, setExit);
  registerStatusCommand(program, io, setExit);
  registerQuestionsCommand(program, io, setExit);
  registerPubCommand(program, io, setExit);
  registerSubCommand(program, io, setExit, stopOnSignals);
  registerReplayCommand(program, io, setExit);
  registerDoctorCommand(program, io, setExit);
  registerScanCommand(program, io, setExit);
  registerSidecarCommand(program, io, setExit, stopOnSignals);
  registerDirectClients();
  return program;
}

/** Parses `argv` (node-style: [node, script, ...args]) and runs the command; resolves with the exit code. */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  let code: number = ExitCode.ok;
  const program = buildProgram(io, (value) => (code = value));
  try {
    await program.parseAsync([...argv]);
  } catch (error) {
    if (error instanceof CommanderError) {
      // --help and --version end through here with exitCode 0; everything else is a usage error.
      return error.exitCode === 0 ? ExitCode.ok : ExitCode.usage;
    }
    if (error instanceof CliError) {
      io.stderr.write(`plexus: ${error.message}\n`);
      return error.exitCode;
    }
    io.stderr.write(
      `plexus: unexpected error (please report it): ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    return ExitCode.runtimeFailed;
  }
  return code;
}

/**
 * An AbortSignal that fires on the first SIGINT/SIGTERM (a following one exits 130 at once), and
 * how to remove the handlers once the command is done.
 */
function stopOnSignals(): { signal: AbortSignal; dispose: () => void } {
  const controller = new AbortController();
  const onSignal = () => {
    if (controller.signal.aborted) process.exit(ExitCode.interrupted);
    controller.abort();
  };
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);
  return {
    signal: controller.signal,
    dispose: () => {
      process.off("SIGINT", onSignal);
      process.off("SIGTERM", onSignal);
    },
  };
}
