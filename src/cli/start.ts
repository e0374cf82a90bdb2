import type { Command } from "commander";
import type { Runtime, RuntimeOptions } from "../runtime/runtime.js";
import type { CliIo } from "./cli-io.js";
import { DEFAULT_CONFIG, resolveConfigPath } from "./config-file.js";
import { ExitCode, startFailureExitCode } from "./exit-codes.js";

export interface StartOptions {
  config?: string;
}

/** The signals `plexus start` stops on. */
const STOP_SIGNALS = ["SIGTERM", "SIGINT"] as const;
type StopSignal = (typeof STOP_SIGNALS)[number];

/** What `runStart` touches outside itself, replaceable in tests. */
export interface StartDependencies {
  createRuntime(options: RuntimeOptions): Runtime;
  /** Where signal handlers are installed (the process). */
  signals: { on(signal: StopSignal, listener: () => void): unknown; off(signal: StopSignal, listener: () => void): unknown };
  /** Leaves at once, without waiting for a graceful stop (the second signal). */
  exitNow(code: number): void;
}

/** Registers `plexus start`. */
export function registerStartCommand(program: Command, io: CliIo, setExit: (code: number) => void): void {
  program
    .command("start")
    .description("run the supervision tree described by a config file until stopped")
    .option("-c, --config <file>", `config file (default ${DEFAULT_CONFIG}, else the one shipped with plexus)`)
    .addHelpText(
      "after",
      `
Examples:
  plexus start
  plexus start -c config/examples/orion-redis.yaml
  PLEXUS_LOG_LEVEL=debug plexus start -c my.yaml 2> plexus.log

SIGTERM or SIGINT stops the tree in reverse start order and exits 0; a second signal exits 130 at once.
Exit codes: 0 stopped by a signal, 70 the root supervisor failed (or the runtime could not start),
78 the configuration is invalid: the config file, a contract it names, an ops host without a token
(fix it; restarting will not help).`,
    )
    .action(async (options: StartOptions) => setExit(await runStart(options, io)));
}

/** Runs a runtime until a signal or a root failure; returns the exit code. */
export async function runStart(options: StartOptions, io: CliIo, dependencies?: Partial<StartDependencies>): Promise<number> {
  const deps: StartDependencies = {
    createRuntime: dependencies?.createRuntime ?? (await import("../create-runtime.js")).createRuntime,
    signals: dependencies?.signals ?? process,
    exitNow: dependencies?.exitNow ?? ((code) => process.exit(code)),
  };
  const file = resolveConfigPath(options.config, io.cwd);
  let runtime: Runtime;
  try {
    runtime = deps.createRuntime({ config: file, env: io.env });
  } catch (error) {
    return reportStartFailure(error, io);
  }

  let signalled: StopSignal | undefined;
  let stopping: Promise<void> | undefined;
  const onSignal = (signal: StopSignal) => {
    if (signalled) {
      runtime.log.warn({ signal }, `second ${signal} while stopping: exiting now`);
      deps.exitNow(ExitCode.interrupted);
      return;
    }
    signalled = signal;
    runtime.log.info({ signal }, `${signal} received: stopping the runtime (send it again to exit at once)`);
    stopping = runtime.stop();
  };
  const listeners = STOP_SIGNALS.map((signal) => [signal, () => onSignal(signal)] as const);
  for (const [signal, listener] of listeners) deps.signals.on(signal, listener);

  try {
    try {
      await runtime.start();
    } catch (error) {
      // A signal during start makes start() fail on purpose; that is a requested stop, not a failure.
      if (signalled) {
        await stopping;
        return ExitCode.ok;
      }
      return reportStartFailure(error, io);
    }
    const { reason } = await runtime.done;
    await stopping;
    if (signalled) return ExitCode.ok;
    if (reason) {
      runtime.log.error({ err: reason }, `the root supervisor failed: ${reason.message}; exiting with ${ExitCode.runtimeFailed}`);
      return ExitCode.runtimeFailed;
    }
    return ExitCode.ok;
  } finally {
    for (const [signal, listener] of listeners) deps.signals.off(signal, listener);
  }
}

/** Configuration errors print their full list of problems plainly (exit 78); anything else exits 70. */
function reportStartFailure(error: unknown, io: CliIo): number {
  const message = error instanceof Error ? error.message : String(error);
  const code = startFailureExitCode(error);
  const configError = (error as { code?: unknown } | null)?.code === "CONFIG_INVALID";
  if (configError) io.stderr.write(`${message}\n`);
  else if (code === ExitCode.config) io.stderr.write(`plexus: invalid configuration: ${message}\n`);
  else io.stderr.write(`plexus: the runtime could not start: ${message}\n`);
  return code;
}
