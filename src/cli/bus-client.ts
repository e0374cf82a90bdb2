import type { Envelope } from "../transports/envelope.js";
import { CliError } from "./cli-error.js";
import { DEFAULT_OPS_URL, readConfigEndpoint, resolveConfigPath, type ConfigEndpoint } from "./config-file.js";
import { ExitCode } from "./exit-codes.js";
import { OpsClient, type StreamEnd } from "./ops-client.js";

/**
 * What `plexus pub` / `plexus sub` need from a bus: either a running runtime's ops server, or a
 * client that talks to the config's transport directly (zmq, redis; see
 * {@link directClientFactories}). The commands do not know which one they have.
 */
export interface CliBusClient {
  /** Where messages go, for messages to the user. */
  readonly description: string;
  /** Publishes one message; resolves with the envelope id. */
  publish(topic: string, payload: unknown, headers?: Record<string, string>): Promise<string>;
  /** Streams messages matching `pattern` until `signal` aborts or the other side ends. */
  subscribe(
    pattern: string,
    options: { group?: string; signal: AbortSignal; onReady?: () => void },
    onEnvelope: (envelope: Envelope) => void,
  ): Promise<StreamEnd>;
  /**
   * Waits up to `timeoutMs` for what was published to leave this process (direct clients hold
   * publishes in an outbox while the transport is unreachable); resolves with how many did not.
   * Absent for HTTP clients, whose publishes are done when they return.
   */
  settle?(timeoutMs: number): Promise<{ undelivered: number }>;
  /** `bus.request` (direct clients only; an ops server offers no request endpoint). */
  request?<R>(topic: string, payload: unknown, timeoutMs: number): Promise<R>;
  /** Flushes and releases connections (direct clients); absent for stateless HTTP clients. */
  close?(): Promise<void>;
}

/** Builds a client that speaks the config's transport itself (zmq, redis). */
export type DirectClientFactory = (endpoint: ConfigEndpoint, env: NodeJS.ProcessEnv, cwd: string) => CliBusClient;

/**
 * Transport kinds the CLI can reach without a runtime, by kind (filled by `registerDirectClients`).
 * `memory` never belongs here: an in-process bus is only reachable through the runtime hosting it.
 */
export const directClientFactories = new Map<string, DirectClientFactory>();

export interface BusClientOptions {
  url?: string;
  config?: string;
  token?: string;
  env: NodeJS.ProcessEnv;
  cwd: string;
}

/**
 * Chooses how to reach the bus: `--url` → that ops server; `-c FILE` → the config's transport
 * (memory: the runtime's ops server from `runtime.ops`; zmq and redis: a direct client);
 * neither → the default ops URL.
 */
export function resolveBusClient(options: BusClientOptions): CliBusClient {
  const token = options.token ?? options.env.PLEXUS_TOKEN;
  if (options.url !== undefined) return opsBusClient(options.url, token);
  if (options.config === undefined) return opsBusClient(DEFAULT_OPS_URL, token);
  const endpoint = readConfigEndpoint(resolveConfigPath(options.config, options.cwd), options.env);
  // Only the memory transport is reached through the ops server; the others never need its URL.
  if (endpoint.transportKind === "memory") return opsBusClient(endpoint.opsUrl(), token ?? endpoint.token);
  const factory = directClientFactories.get(endpoint.transportKind);
  if (!factory) {
    throw new CliError(
      `-c ${endpoint.file}: reaching a "${endpoint.transportKind}" transport directly is not yet supported for kind ${endpoint.transportKind}; ` +
        "go through a running runtime instead: --url <its ops URL>",
      ExitCode.usage,
    );
  }
  return factory(endpoint, options.env, options.cwd);
}

function opsBusClient(url: string, token: string | undefined): CliBusClient {
  const client = new OpsClient(url, token);
  return {
    description: `ops server ${client.url}`,
    publish: (topic, payload, headers) => client.publish(topic, payload, headers),
    subscribe: (pattern, options, onEnvelope) => client.subscribe(pattern, options, onEnvelope),
  };
}
