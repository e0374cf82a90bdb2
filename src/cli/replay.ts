import { InvalidArgumentError, type Command } from "commander";
import type { ReplayPage } from "../actors/control/actor.js";
import { resolveBusClient } from "./bus-client.js";
import { CliError } from "./cli-error.js";
import { writeOut, type CliIo } from "./cli-io.js";
import { positiveInteger, positiveSeconds } from "./command-options.js";
import { DEFAULT_OPS_URL, readConfigEndpoint, resolveConfigPath } from "./config-file.js";
import { ExitCode } from "./exit-codes.js";
import { OpsClient } from "./ops-client.js";

export interface ReplayOptions {
  from: number;
  count?: number;
  url?: string;
  config?: string;
  token?: string;
  topic: string;
  path: string;
  timeout: number;
}

/** Registers `plexus replay`. */
export function registerReplayCommand(program: Command, io: CliIo, setExit: (code: number) => void): void {
  program
    .command("replay")
    .description("print a lifecycle controller's event log from a sequence number, one JSON event per line")
    .requiredOption("--from <seq>", "first sequence number to print (1 = from the start)", nonNegativeInteger)
    .option("--count <n>", "print at most N events (default: up to the end of the log)", positiveInteger)
    .option("--url <url>", `ops server of the runtime (its controller serves GET /events; default ${DEFAULT_OPS_URL})`)
    .option("-c, --config <file>", "the runtime's config: zmq/redis are asked directly on the replay topic, memory through its ops server")
    .option("--token <token>", "bearer token for the ops server (default: env PLEXUS_TOKEN)")
    .option("--topic <topic>", "replay topic of the controller (zmq/redis)", "kasmina.events.replay")
    .option("--path <path>", "events route of the controller on the ops server", "/events")
    .option("--timeout <seconds>", "how long each page may take", positiveSeconds, 10)
    .addHelpText(
      "after",
      `
Examples:
  plexus replay --from 1 -c config/redis.yaml
  plexus replay --from 5000 --count 100 --url http://127.0.0.1:8001 | jq -r '"\\(.seq) \\(.entityId) \\(.to)"'

Exit codes: 0 printed (also when there was nothing after --from), 1 runtime or transport unreachable
or no controller answering.`,
    )
    .action(async (options: ReplayOptions) => setExit(await runReplay(options, io)));
}

/** Prints the events page by page until the end of the log (or --count); returns the exit code. */
export async function runReplay(options: ReplayOptions, io: CliIo): Promise<number> {
  const fetchPage = pageSource(options, io);
  let next = Math.max(1, options.from);
  let left = options.count ?? Number.POSITIVE_INFINITY;
  try {
    while (left > 0) {
      const page = await fetchPage.read(next, Math.min(left, 1000));
      const events = page.events.slice(0, Number.isFinite(left) ? left : undefined);
      if (events.length > 0) await writeOut(io.stdout, events.map((event) => `${JSON.stringify(event)}\n`).join(""));
      left -= events.length;
      if (events.length === 0 || page.nextSeq > page.lastSeq) break;
      next = page.nextSeq;
    }
  } finally {
    await fetchPage.close();
  }
  return ExitCode.ok;
}

interface PageSource {
  read(fromSeq: number, limit: number): Promise<ReplayPage>;
  close(): Promise<void>;
}

/** zmq/redis configs: a bus.request from this process; otherwise the runtime's ops server. */
function pageSource(options: ReplayOptions, io: CliIo): PageSource {
  const endpoint = options.config === undefined ? undefined : readConfigEndpoint(resolveConfigPath(options.config, io.cwd), io.env);
  if (options.url === undefined && endpoint !== undefined && endpoint.transportKind !== "memory") {
    const client = resolveBusClient({ config: options.config, env: io.env, cwd: io.cwd });
    const request = client.request?.bind(client);
    if (request === undefined) throw new CliError(`cannot send requests on ${client.description}`, ExitCode.usage);
    return {
      read: async (fromSeq, limit) => {
        try {
          return await request<ReplayPage>(options.topic, { fromSeq, limit }, options.timeout * 1000);
        } catch (error) {
          throw new CliError(`no replay from ${options.topic} on ${client.description}: ${(error as Error).message}`, ExitCode.failure);
        }
      },
      close: async () => client.close?.(),
    };
  }
  const ops = new OpsClient(options.url ?? endpoint?.opsUrl() ?? DEFAULT_OPS_URL, options.token ?? io.env.PLEXUS_TOKEN ?? endpoint?.token);
  return {
    read: async (fromSeq, limit) => {
      const path = `${options.path}?fromSeq=${fromSeq}&limit=${limit}`;
      const reply = await ops.getJson<ReplayPage & { error?: string }>(path);
      if (reply.status === 404)
        throw new CliError(`${ops.url} has no ${options.path}: the runtime runs no lifecycle controller`, ExitCode.failure);
      if (reply.status !== 200)
        throw new CliError(
          `GET ${path} failed (HTTP ${reply.status}): ${reply.body.error ?? JSON.stringify(reply.body)}`,
          ExitCode.failure,
        );
      return reply.body;
    },
    close: async () => undefined,
  };
}

function nonNegativeInteger(value: string): number {
  const number = Number(value);
  if (!Number.isInteger(number) || number < 0) throw new InvalidArgumentError(`expected a whole number of 0 or more, got "${value}"`);
  return number;
}
