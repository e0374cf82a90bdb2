import { readFile } from "node:fs/promises";
import { resolve } from "node:path";
import { createInterface } from "node:readline";
import type { Command } from "commander";
import { nestedDeeperThan } from "../common/json-depth.js";
import { LARGEST_MAX_DEPTH } from "../transports/bus/bus-config.js";
import { resolveBusClient } from "./bus-client.js";
import { CliError } from "./cli-error.js";
import { writeOut, type CliIo } from "./cli-io.js";
import { collectHeader, positiveInteger, positiveSeconds } from "./command-options.js";
import { ExitCode } from "./exit-codes.js";

export interface PubOptions {
  url?: string;
  config?: string;
  token?: string;
  count: number;
  header?: Record<string, string>;
  /** Seconds to wait at the end for publishes held while the transport is unreachable (`-c` zmq/redis). */
  timeout: number;
}

/** Registers `plexus pub`. */
export function registerPubCommand(program: Command, io: CliIo, setExit: (code: number) => void): void {
  program
    .command("pub")
    .description("publish JSON messages through a running runtime; prints one envelope id per line")
    .argument("<topic>", "topic to publish on, e.g. orders.created")
    .argument("<json>", "the payload: inline JSON, @FILE (one JSON document), or - (stdin, one JSON per line)")
    .option("--url <url>", "ops server of the runtime (default http://127.0.0.1:8001, or the -c config's runtime.ops)")
    .option(
      "-c, --config <file>",
      "reach the bus described by this config (memory: via its runtime's ops server; zmq/redis: directly, no runtime needed)",
    )
    .option("--count <n>", "publish each payload N times", positiveInteger, 1)
    .option("--header <key=value>", "add a header (repeatable)", collectHeader)
    .option(
      "--timeout <seconds>",
      "with -c on zmq/redis: how long to wait at the end for messages held while the transport is unreachable",
      positiveSeconds,
      10,
    )
    .option("--token <token>", "bearer token for the ops server (default: env PLEXUS_TOKEN, or the config's runtime.ops.token)")
    .addHelpText(
      "after",
      `
Examples:
  plexus pub orders.created '{"id": 42}'
  plexus pub orders.created @order.json --header trace=abc --count 3
  jq -c '.[]' orders.json | plexus pub orders.created -
  plexus pub --url http://10.0.0.5:8001 --token "$PLEXUS_TOKEN" jobs.start '{}'

An id is printed once the message is accepted: by the runtime (--url), or into this process's
outbox (-c on zmq/redis), from where it is sent as soon as the transport can take it. While the
transport is unreachable messages wait there; at the end pub waits up to --timeout for them.

Exit codes: 0 every message delivered (accepted by the runtime, or handed to zmq/redis);
1 server or transport unreachable at the start, or a publish refused; 65 payload not JSON or
rejected (contract, size, depth, reserved topic); 75 some printed ids were not delivered before
--timeout (the count is on stderr; they are lost).`,
    )
    .action(async (topic: string, json: string, options: PubOptions) => setExit(await runPub(topic, json, options, io)));
}

/** Publishes and prints the ids; returns the exit code. */
export async function runPub(topic: string, json: string, options: PubOptions, io: CliIo): Promise<number> {
  const client = resolveBusClient({ ...pick(options), env: io.env, cwd: io.cwd });
  let accepted = 0;
  let undelivered = 0;
  try {
    for await (const payload of payloads(json, io)) {
      for (let i = 0; i < options.count; i++) {
        const id = await client.publish(topic, payload, options.header);
        accepted++;
        await writeOut(io.stdout, `${id}\n`);
      }
    }
    // Closing would discard what still waits for the transport: give it --timeout to get out.
    if (client.settle !== undefined && accepted > 0) undelivered = (await client.settle(options.timeout * 1000)).undelivered;
  } finally {
    await client.close?.();
  }
  if (undelivered === 0) return ExitCode.ok;
  io.stderr.write(
    `${undelivered} of ${accepted} message(s) were not delivered: the ${client.description} did not take them within the ${options.timeout} s --timeout, and they are lost. ` +
      `Raise --timeout, or check the transport (plexus doctor${options.config === undefined ? "" : ` -c ${options.config}`}).\n`,
  );
  return ExitCode.undelivered;
}

function pick(options: PubOptions): { url?: string; config?: string; token?: string } {
  return {
    ...(options.url === undefined ? {} : { url: options.url }),
    ...(options.config === undefined ? {} : { config: options.config }),
    ...(options.token === undefined ? {} : { token: options.token }),
  };
}

/** The payloads named by the JSON argument, parsed; stdin is streamed line by line. */
async function* payloads(json: string, io: CliIo): AsyncGenerator<unknown> {
  if (json === "-") {
    const lines = createInterface({ input: io.stdin, crlfDelay: Infinity });
    let lineNumber = 0;
    for await (const line of lines) {
      lineNumber++;
      if (line.trim() === "") continue;
      yield parseJson(line, `stdin line ${lineNumber}`);
    }
    return;
  }
  if (json.startsWith("@")) {
    const file = resolve(io.cwd, json.slice(1));
    let text: string;
    try {
      text = await readFile(file, "utf8");
    } catch (error) {
      throw new CliError(`cannot read payload file ${file}: ${(error as Error).message}`, ExitCode.dataError);
    }
    yield parseJson(text, `payload file ${file}`);
    return;
  }
  yield parseJson(json, "the JSON argument");
}

function parseJson(text: string, what: string): unknown {
  let value: unknown;
  try {
    value = JSON.parse(text) as unknown;
  } catch (error) {
    throw new CliError(
      `${what} is not JSON (${(error as Error).message}); quote it for the shell, e.g. '{"a": 1}', or use @FILE or -`,
      ExitCode.dataError,
    );
  }
  // JSON.parse takes any depth, but encoding it again would overflow the stack. Within this bound
  // the bus (or the runtime's POST /publish) applies its own bus.maxDepth and says so.
  if (nestedDeeperThan(value, LARGEST_MAX_DEPTH)) {
    throw new CliError(
      `${what} cannot be sent: it is nested deeper than ${LARGEST_MAX_DEPTH} levels, more than any plexus bus accepts (bus.maxDepth is at most ${LARGEST_MAX_DEPTH})`,
      ExitCode.dataError,
    );
  }
  return value;
}
