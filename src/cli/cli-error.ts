import { ExitCode, type ExitCodeValue } from "./exit-codes.js";

/**
 * A failure the CLI reports as one clear line on stderr (no stack trace) with a chosen exit code.
 * Anything else thrown is a bug and is printed with its stack.
 */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: ExitCodeValue = ExitCode.failure,
  ) {
    super(message);
    this.name = "CliError";
  }
}
