import { Socket } from "node:net";
import { existsSync } from "node:fs";
import type { ResolvedTransportConfig } from "../transports/transport-config.js";
import { toError } from "../common/errors.js";
import { redactUrl } from "../common/redact-url.js";
import { closeDoctorRedis, openDoctorRedis, redisFix } from "./redis-client.js";
import { DoctorExitCode, failed, passed, type DoctorCheckResult } from "./check-result.js";

const NAME = "transport";
const TCP_TIMEOUT_MS = 2_000;

/**
 * Check 2: the configured transport's peer answers. memory: always (in-process). redis: PING.
 * zmq: a TCP connect to the proxy's XSUB and XPUB endpoints (ipc: the socket file exists); a
 * successful connect proves something listens there, the round trip proves it is a proxy.
 */
export async function checkTransportReachable(transport: ResolvedTransportConfig, configLabel: string): Promise<DoctorCheckResult> {
  switch (transport.kind) {
    case "memory":
      return passed(NAME, "memory transport: in-process, nothing to reach", DoctorExitCode.prerequisites);
    case "redis":
      return checkRedis(transport.url);
    case "zmq":
      return checkZmq(
        [
          ["xsub", transport.xsub],
          ["xpub", transport.xpub],
        ],
        configLabel,
      );
  }
}

async function checkRedis(url: string): Promise<DoctorCheckResult> {
  const shown = redactUrl(url);
  try {
    const client = await openDoctorRedis(url);
    try {
      const pong = await client.ping();
      return passed(NAME, `redis ${shown} answers PING (${pong})`, DoctorExitCode.prerequisites);
    } finally {
      await closeDoctorRedis(client);
    }
  } catch (error) {
    const message = toError(error).message;
    return failed(NAME, `redis ${shown} is not reachable: ${message}`, redisFix(url, message), DoctorExitCode.prerequisites);
  }
}

/** host/port of a `tcp://host:port` endpoint; `*` and `0.0.0.0` (bind-all) are reached on loopback. */
export function tcpTarget(endpoint: string): { host: string; port: number } | undefined {
  const match = /^tcp:\/\/(\[[^\]]+\]|[^:]+):(\d+)$/.exec(endpoint);
  if (!match) return undefined;
  let host = (match[1] as string).replace(/^\[|\]$/g, "");
  if (host === "*" || host === "0.0.0.0") host = "127.0.0.1";
  if (host === "::") host = "::1";
  return { host, port: Number(match[2]) };
}

async function checkZmq(endpoints: Array<[string, string]>, configLabel: string): Promise<DoctorCheckResult> {
  const problems: string[] = [];
  for (const [role, endpoint] of endpoints) {
    const problem = await probeEndpoint(endpoint);
    if (problem !== undefined) problems.push(`${role} ${endpoint}: ${problem}`);
  }
  const list = endpoints.map(([role, endpoint]) => `${role} ${endpoint}`).join(", ");
  if (problems.length === 0) return passed(NAME, `zmq proxy endpoints accept connections (${list})`, DoctorExitCode.prerequisites);
  return failed(
    NAME,
    `zmq proxy not reachable: ${problems.join("; ")}`,
    `is the proxy running? plexus start -c ${configLabel} (its proxy child binds these endpoints), or fix transport.xsub/xpub`,
    DoctorExitCode.prerequisites,
  );
}

/** Undefined when `endpoint` accepts connections, else why not. */
async function probeEndpoint(endpoint: string): Promise<string | undefined> {
  if (endpoint.startsWith("ipc://")) {
    const file = endpoint.slice("ipc://".length);
    return existsSync(file) ? undefined : `socket file ${file} does not exist`;
  }
  if (endpoint.startsWith("inproc://")) return "inproc endpoints live inside one process; a separate client cannot reach them";
  const target = tcpTarget(endpoint);
  if (!target) return "not a tcp://host:port, ipc:// or inproc:// endpoint";
  return tcpConnect(target.host, target.port);
}

function tcpConnect(host: string, port: number): Promise<string | undefined> {
  return new Promise((resolve) => {
    const socket = new Socket();
    const done = (problem: string | undefined) => {
      socket.destroy();
      resolve(problem);
    };
    socket.setTimeout(TCP_TIMEOUT_MS, () => done(`no answer within ${TCP_TIMEOUT_MS} ms`));
    socket.once("connect", () => done(undefined));
    socket.once("error", (error: NodeJS.ErrnoException) =>
      done(error.code === "ECONNREFUSED" ? "connection refused (nothing listens)" : error.message),
    );
    socket.connect(port, host);
  });
}
