import type { Command } from "commander";
import type { ChildSpec } from "../runtime/supervision/child-spec.js";
import type { ResolvedConfig } from "../runtime/config/plexus-config.js";
import { writeOut, type CliIo } from "./cli-io.js";
import { DEFAULT_CONFIG, resolveConfigPath } from "./config-file.js";
import { ExitCode } from "./exit-codes.js";

export interface ValidateOptions {
  config?: string;
}

/** Registers `plexus validate`. */
export function registerValidateCommand(program: Command, io: CliIo, setExit: (code: number) => void): void {
  program
    .command("validate")
    .description("check a config file and its contracts without starting anything")
    .option("-c, --config <file>", `config file (default ${DEFAULT_CONFIG}, else the one shipped with plexus)`)
    .addHelpText(
      "after",
      `
Examples:
  plexus validate
  plexus validate -c config/examples/orion-redis.yaml

Prints "ok: <file> (<n> actors)" and exits 0, or lists every problem (file:line key.path: message)
on stderr and exits 1.`,
    )
    .action(async (options: ValidateOptions) => setExit(await runValidate(options, io)));
}

/** Loads the config (with the built-in kinds) and compiles its contracts; returns the exit code. */
export async function runValidate(options: ValidateOptions, io: CliIo): Promise<number> {
  const file = resolveConfigPath(options.config, io.cwd);
  // Loaded on demand: the client commands (pub, sub, status) should not pay for the runtime's imports.
  const [{ loadConfig }, { builtinKinds }, { compileContracts, formatContractProblem }] = await Promise.all([
    import("../runtime/config/load-config.js"),
    import("../actors/builtin-kinds.js"),
    import("../transports/bus/contracts.js"),
  ]);
  let config: ResolvedConfig;
  try {
    config = await loadConfig(file, { kinds: new Map(builtinKinds.map((kind) => [kind.kind, kind])), env: io.env, cwd: io.cwd });
  } catch (error) {
    io.stderr.write(`${(error as Error).message}\n`);
    return ExitCode.failure;
  }
  if (config.contracts) {
    const { contracts, problems } = await compileContracts(config.contracts.dir);
    if (problems.length > 0) {
      const lines = problems.map((problem) => `  ${formatContractProblem(problem)}`);
      io.stderr.write(
        `invalid contracts for ${file}: ${problems.length} problem${problems.length === 1 ? "" : "s"}\n${lines.join("\n")}\n`,
      );
      return ExitCode.failure;
    }
    await writeOut(io.stdout, `ok: ${file} (${countActors(config.children)} actors, ${contracts.length} contracts)\n`);
    return ExitCode.ok;
  }
  await writeOut(io.stdout, `ok: ${file} (${countActors(config.children)} actors)\n`);
  return ExitCode.ok;
}

/** Every child spec in the tree, supervisors included: each is hosted as an actor. */
function countActors(children: readonly ChildSpec[]): number {
  return children.reduce((sum, child) => sum + 1 + ("children" in child ? countActors(child.children) : 0), 0);
}
