import type { Command } from "commander";
import { resolveBusClient } from "./bus-client.js";
import { writeOut, type CliIo } from "./cli-io.js";
import { positiveInteger, positiveSeconds } from "./command-options.js";
import { ExitCode } from "./exit-codes.js";

export interface SubOptions {
  url?: string;
  config?: string;
  token?: string;
  group?: string;
  count?: number;
  timeout?: number;
  json?: boolean;
}

/** Registers `plexus sub`. */
export function registerSubCommand(
  program: Command,
  io: CliIo,
  setExit: (code: number) => void,
  stopOnSignals: () => { signal: AbortSignal; dispose: () => void },
): void {
  program
    .command("sub")
    .description("print messages matching a topic pattern as JSON lines (one envelope per line) on stdout")
    .argument("<pattern>", 'topic pattern: "*" matches one segment, ">" the rest, e.g. orders.* or telemetry.>')
    .option("--url <url>", "ops server of the runtime (default http://127.0.0.1:8001, or the -c config's runtime.ops)")
    .option(
      "-c, --config <file>",
      "reach the bus described by this config (memory: via its runtime's ops server; zmq/redis: directly, no runtime needed)",
    )
    .option("--json", "one envelope per line as JSON (the default output; accepted for scripts that ask for it)")
    .option("--group <name>", "queue group: subscribers sharing a group split the messages")
    .option("--count <n>", "exit after N messages", positiveInteger)
    .option("--timeout <seconds>", "stop after this many seconds", positiveSeconds)
    .option("--token <token>", "bearer token for the ops server (default: env PLEXUS_TOKEN)")
    .addHelpText(
      "after",
      `
Examples:
  plexus sub 'orders.*'
  plexus sub 'telemetry.>' --count 10 --timeout 30 | jq .payload
  plexus sub jobs.start --group workers --url http://127.0.0.1:8001

Exit codes: 0 when --count messages arrived, on --timeout when no --count was given, or on Ctrl-C;
1 when --count was not reached before --timeout (so scripts notice missing messages), when the
runtime ended the stream, or when it cannot be reached.`,
    )
    .action(async (pattern: string, options: SubOptions) => {
      const stop = stopOnSignals();
      try {
        setExit(await runSub(pattern, options, io, stop.signal));
      } finally {
        stop.dispose();
      }
    });
}

/** Streams envelopes to stdout until count, timeout, `stop` or the server ends; returns the exit code. */
export async function runSub(pattern: string, options: SubOptions, io: CliIo, stop?: AbortSignal): Promise<number> {
  const client = resolveBusClient({
    ...(options.url === undefined ? {} : { url: options.url }),
    ...(options.config === undefined ? {} : { config: options.config }),
    ...(options.token === undefined ? {} : { token: options.token }),
    env: io.env,
    cwd: io.cwd,
  });
  const controller = new AbortController();
  let why: "count" | "timeout" | "stopped" | undefined;
  const finish = (reason: "count" | "timeout" | "stopped") => {
    why ??= reason;
    controller.abort();
  };
  const onStop = () => finish("stopped");
  if (stop?.aborted) return ExitCode.ok;
  stop?.addEventListener("abort", onStop, { once: true });
  const timer = options.timeout === undefined ? undefined : setTimeout(() => finish("timeout"), options.timeout * 1000);
  let received = 0;
  let writes: Promise<void> = Promise.resolve();
  try {
    const end = await client.subscribe(
      pattern,
      {
        ...(options.group === undefined ? {} : { group: options.group }),
        signal: controller.signal,
        onReady: () =>
          io.stderr.write(`subscribed to ${pattern}${options.group ? ` (group ${options.group})` : ""} via ${client.description}\n`),
      },
      (envelope) => {
        if (why !== undefined) return;
        received++;
        const line = `${JSON.stringify(envelope)}\n`;
        writes = writes.then(() => writeOut(io.stdout, line));
        if (options.count !== undefined && received >= options.count) finish("count");
      },
    );
    await writes;
    if (end === "server-closed" && why === undefined) {
      io.stderr.write(`the runtime at ${client.description} ended the stream after ${received} message(s) (is it stopping?)\n`);
      return ExitCode.failure;
    }
  } finally {
    clearTimeout(timer);
    stop?.removeEventListener("abort", onStop);
  }
  if (why === "timeout" && options.count !== undefined) {
    io.stderr.write(`received ${received} of ${options.count} message(s) on ${pattern} before the ${options.timeout} s timeout\n`);
    return ExitCode.failure;
  }
  return ExitCode.ok;
}
