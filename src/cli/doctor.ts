import type { Command } from "commander";
import { writeOut, type CliIo } from "./cli-io.js";
import { DEFAULT_CONFIG, resolveConfigPath } from "./config-file.js";

export interface DoctorCommandOptions {
  config?: string;
}

/** Registers `plexus doctor`. */
export function registerDoctorCommand(program: Command, io: CliIo, setExit: (code: number) => void): void {
  program
    .command("doctor")
    .description("check that a config's transport, runtime and contracts work; each failure says what to do")
    .option("-c, --config <file>", `config file (default ${DEFAULT_CONFIG}, else the one shipped with plexus)`)
    .addHelpText(
      "after",
      `
Checks, in order: the config loads; the transport is reachable (Redis PING, ZeroMQ endpoints);
the ops /health of a running runtime (a warning when none runs); a consumer group can be created
(redis); a publish/subscribe round trip; every contract compiles.

Examples:
  plexus doctor
  plexus doctor -c config/examples/orion-redis.yaml
  plexus doctor -c config/examples/chembus.yaml

Exit codes: 0 ok, 1 prerequisites (config, transport unreachable), 2 round trip, 3 consumer group,
4 contracts.`,
    )
    .action(async (options: DoctorCommandOptions) => setExit(await runDoctorCommand(options, io)));
}

/** Runs the checks, prints the report; returns the exit code. */
export async function runDoctorCommand(options: DoctorCommandOptions, io: CliIo): Promise<number> {
  const configPath = resolveConfigPath(options.config, io.cwd);
  const [{ runDoctor, formatDoctorReport }, { createLogger }] = await Promise.all([
    import("../doctor/run-doctor.js"),
    import("../common/logger.js"),
  ]);
  const log = createLogger({ name: "plexus", level: io.env.PLEXUS_LOG_LEVEL ?? "error" });
  const { results, exitCode } = await runDoctor({ configPath, log, env: io.env, cwd: io.cwd });
  await writeOut(io.stdout, `${formatDoctorReport(results, exitCode)}\n`);
  return exitCode;
}
