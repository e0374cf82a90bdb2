import { directClientFactories, type CliBusClient } from "./bus-client.js";
import { CliError } from "./cli-error.js";
import type { ConfigEndpoint } from "./config-file.js";
import { ExitCode } from "./exit-codes.js";
import type { StreamEnd } from "./ops-client.js";
import type { DirectBus } from "../runtime/direct-bus.js";

/**
 * `plexus pub -c FILE` / `plexus sub -c FILE` on network transports: open the config's transport
 * from this process (no runtime needed). The bus is opened on first use and closed by `close()`,
 * which flushes what is still queued.
 */
function directBusClient(endpoint: ConfigEndpoint, env: NodeJS.ProcessEnv, cwd: string): CliBusClient {
  let opening: Promise<DirectBus> | undefined;
  const open = () => {
    opening ??= (async () => {
      const [{ loadConfig }, { openDirectBus }, { createLogger }] = await Promise.all([
        import("../runtime/config/load-config.js"),
        import("../runtime/direct-bus.js"),
        import("../common/logger.js"),
      ]);
      // This client never starts the ops server, so its settings are not its business.
      const config = await loadConfig(endpoint.file, { kinds: new Map(), acceptUnknownKinds: true, opsUnused: true, env, cwd });
      const log = createLogger({ name: "plexus", level: env.PLEXUS_LOG_LEVEL ?? "warn" });
      try {
        return await openDirectBus(config, { log });
      } catch (error) {
        throw new CliError(
          `cannot reach the ${endpoint.transportKind} transport of ${endpoint.file}: ${(error as Error).message} (try: plexus doctor -c ${endpoint.file})`,
          ExitCode.failure,
        );
      }
    })();
    return opening;
  };
  return {
    description: `${endpoint.transportKind} transport of ${endpoint.file}`,
    async publish(topic, payload, headers) {
      const { bus } = await open();
      try {
        const envelope = await bus.publish(topic, payload, headers ? { headers } : {});
        return envelope.id;
      } catch (error) {
        throw new CliError(`publish to ${topic} refused: ${(error as Error).message}`, ExitCode.dataError);
      }
    },
    async subscribe(pattern, options, onEnvelope): Promise<StreamEnd> {
      const direct = await open();
      if (options.signal.aborted) return "aborted";
      await direct.bus.subscribe(pattern, (envelope) => onEnvelope(envelope), options.group ? { group: options.group } : {});
      options.onReady?.();
      await new Promise<void>((resolve) => options.signal.addEventListener("abort", () => resolve(), { once: true }));
      await direct.close();
      return "aborted";
    },
    async request<R>(topic: string, payload: unknown, timeoutMs: number): Promise<R> {
      const { bus } = await open();
      return bus.request<R>(topic, payload, { timeoutMs });
    },
    async settle(timeoutMs) {
      if (!opening) return { undelivered: 0 };
      return (await opening).settle(timeoutMs);
    },
    async close() {
      if (opening) await (await opening).close();
    },
  };
}

/** Registers the direct clients for the network transports. */
export function registerDirectClients(): void {
  for (const kind of ["zmq", "redis"]) {
    directClientFactories.set(kind, (endpoint, env, cwd) => directBusClient(endpoint, env, cwd));
  }
}
