import { randomBytes } from "node:crypto";
import type { ResolvedConfig } from "../runtime/config/plexus-config.js";
import { toError } from "../common/errors.js";
import type { Logger } from "../common/logger.js";
import type { Subscription } from "../transports/bus/bus.js";
import { openDirectBus, type DirectBus } from "../runtime/direct-bus.js";
import { redactUrl } from "../common/redact-url.js";
import { prepareRedisLeftoverCleanup } from "./redis-round-trip-leftovers.js";
import { DoctorExitCode, failed, passed, withTimeout, type DoctorCheckResult } from "./check-result.js";

const NAME = "round trip";

/** Default time for the whole subscribe → publish → receive sequence. */
export const ROUND_TRIP_TIMEOUT_MS = 5_000;

/**
 * Check 5: a message published through a MessageBus on the configured transport comes back to a
 * subscription of the same bus, on the unique system topic `_doctor.<id>` (system topics are never
 * matched by catch-all wildcards, so other subscribers do not see it). Contracts are left out on
 * purpose: they are check 6, and a contract governing `_doctor.*` must not fail this one.
 *
 * On redis the message is a real stream entry; see redis-round-trip-leftovers.ts for what is
 * removed afterwards. The subscription's consumer group is destroyed by the direct client.
 */
export async function checkRoundTrip(
  config: ResolvedConfig,
  configLabel: string,
  log: Logger,
  timeoutMs = ROUND_TRIP_TIMEOUT_MS,
): Promise<DoctorCheckResult> {
  const id = randomBytes(6).toString("hex");
  const topic = `_doctor.${id}`;
  const started = Date.now();
  let direct: DirectBus | undefined;
  let subscription: Subscription | undefined;
  let step = "connect";
  let abandoned = false;
  const removeLeftovers = await prepareRedisLeftoverCleanup(config.transport, topic);
  try {
    await withTimeout(
      (async () => {
        const opened = await openDirectBus(config, { log, name: `plexus-doctor-${id}`, contracts: false, allowMemory: true });
        // A connect that outlived the timeout must not leave its sockets open behind the result.
        if (abandoned) return void (await opened.close());
        direct = opened;
        let arrived!: (payload: unknown) => void;
        const received = new Promise<unknown>((resolve) => (arrived = resolve));
        step = `subscribe ${topic}`;
        subscription = await direct.bus.subscribe(topic, (envelope) => arrived(envelope.payload));
        step = `publish ${topic}`;
        await direct.bus.publish(topic, { id });
        step = `receive ${topic}`;
        const payload = await received;
        if ((payload as { id?: unknown } | null)?.id !== id) throw new Error(`received an unexpected payload ${JSON.stringify(payload)}`);
      })(),
      timeoutMs,
      "the round trip",
    );
    return passed(
      NAME,
      `published and received ${topic} through ${describe(config)} in ${Date.now() - started} ms`,
      DoctorExitCode.roundTrip,
    );
  } catch (error) {
    return failed(
      NAME,
      `${step} through ${describe(config)} failed: ${toError(error).message}`,
      roundTripFix(config, configLabel),
      DoctorExitCode.roundTrip,
    );
  } finally {
    abandoned = true;
    await subscription?.unsubscribe().catch(() => undefined);
    await (direct as DirectBus | undefined)
      ?.close()
      .catch((error: unknown) => log.warn({ err: toError(error) }, "doctor: closing the round-trip bus failed"));
    await removeLeftovers();
  }
}

function describe(config: ResolvedConfig): string {
  const transport = config.transport;
  switch (transport.kind) {
    case "memory":
      return "the memory transport (in-process)";
    case "zmq":
      return `the zmq proxy (publish ${transport.xsub}, subscribe ${transport.xpub})`;
    case "redis":
      return `redis ${redactUrl(transport.url)} (prefix "${transport.prefix}", layout ${transport.layout})`;
  }
}

function roundTripFix(config: ResolvedConfig, configLabel: string): string {
  switch (config.transport.kind) {
    case "memory":
      return "the in-process bus itself failed: report this as a plexus bug with the detail above";
    case "zmq":
      return `is the proxy running and forwarding? plexus start -c ${configLabel} (check that xsub/xpub are not swapped and no other program holds them)`;
    case "redis":
      return "Redis answered PING but streams do not flow: check the consumer group check above, Redis memory (maxmemory policy) and the server log";
  }
}
