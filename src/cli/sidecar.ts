import { InvalidArgumentError, type Command } from "commander";
import type { CliIo } from "./cli-io.js";
import { collectHeader, positiveSeconds } from "./command-options.js";
import { ExitCode } from "./exit-codes.js";
import type { RegistrationOptions } from "../actors/registry/sidecar/registration-agent.js";

/** What `plexus sidecar` parses: the `startRegistration` options a command line can set. */
export type SidecarOptions = Pick<
  RegistrationOptions,
  "registry" | "name" | "url" | "health" | "id" | "ttl" | "heartbeat" | "meta" | "token"
>;

/** Registers `plexus sidecar`: the registration agent of `startRegistration`, as a process beside a service. */
export function registerSidecarCommand(
  program: Command,
  io: CliIo,
  setExit: (code: number) => void,
  stopOnSignals: () => { signal: AbortSignal; dispose: () => void },
): void {
  program
    .command("sidecar")
    .description("register an HTTP service with a plexus registry and keep its lease alive until SIGTERM, without changing the service")
    .requiredOption("--registry <url>", "the registry's HTTP API, e.g. http://127.0.0.1:8888", httpUrl)
    .requiredOption("--name <name>", "service name")
    .requiredOption("--url <url>", "where clients reach this instance", httpUrl)
    .option("--health <path>", "health check path on --url (or an absolute URL); registration waits for a 2xx")
    .option("--id <id>", "instance id (default: generated)")
    .option("--ttl <seconds>", "lease TTL (default 60)", positiveSeconds)
    .option("--heartbeat <seconds>", "heartbeat interval, jittered ±10% (default 30, or ttl/3 when shorter)", positiveSeconds)
    .option("--meta <key=value>", "metadata, repeatable", collectHeader)
    .option("--token <token>", "bearer token for the registry's writes (default: PLEXUS_REGISTRY_TOKEN)")
    .addHelpText(
      "after",
      `
Examples:
  plexus sidecar --registry http://127.0.0.1:8888 --name orders --url http://127.0.0.1:9001 --health /health
  plexus sidecar --registry http://reg:8888 --name orders --url http://10.0.0.5:9001 --meta zone=a --meta version=2.1 --ttl 20

Waits for the health check, registers, heartbeats, re-registers when the registry forgets the
lease, backs off 1 s → 60 s while the registry is away; on SIGTERM or SIGINT it deregisters and exits 0.
Logs (stderr) one line per state change.`,
    )
    .action(async (options: SidecarOptions) => setExit(await runSidecar(options, io, stopOnSignals)));
}

/** Runs the agent until a signal; returns the exit code. */
export async function runSidecar(
  options: SidecarOptions,
  io: CliIo,
  stopOnSignals: () => { signal: AbortSignal; dispose: () => void },
): Promise<number> {
  const [{ startRegistration }, { createLogger }] = await Promise.all([
    import("../actors/registry/sidecar/registration-agent.js"),
    import("../common/logger.js"),
  ]);
  const log = createLogger({ name: "plexus-sidecar", level: io.env.PLEXUS_LOG_LEVEL ?? "info" });
  const token = options.token ?? io.env.PLEXUS_REGISTRY_TOKEN;
  const { signal, dispose } = stopOnSignals();
  const registration = startRegistration({
    registry: options.registry,
    name: options.name,
    url: options.url,
    ...(options.health === undefined ? {} : { health: options.health }),
    ...(options.id === undefined ? {} : { id: options.id }),
    ...(options.ttl === undefined ? {} : { ttl: options.ttl }),
    ...(options.heartbeat === undefined ? {} : { heartbeat: options.heartbeat }),
    ...(options.meta === undefined ? {} : { meta: options.meta }),
    ...(token === undefined || token === "" ? {} : { token }),
    log,
  });
  await new Promise<void>((resolve) => signal.addEventListener("abort", () => resolve(), { once: true }));
  await registration.stop();
  dispose();
  return ExitCode.ok;
}

function httpUrl(value: string): string {
  try {
    const url = new URL(value);
    if (url.protocol === "http:" || url.protocol === "https:") return value;
  } catch {
    // reported below
  }
  throw new InvalidArgumentError(`expected an http:// or https:// URL, got "${value}"`);
}
