import { readdirSync, readFileSync, readlinkSync } from "node:fs";
import { NonRetryableError, toError } from "../../common/errors.js";
import { OPS_LISTENER, type ListenerNames } from "./auth.js";

/**
 * Turns a failed `listen()` into an error that says what, where and what to do. Bind failures are
 * non-retryable: restarting in a loop cannot free a port another process holds.
 */
export function listenError(error: unknown, host: string, port: number, names: ListenerNames = OPS_LISTENER): Error {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === "EADDRINUSE") {
    const owner = portOwner(port);
    const holder = owner ? ` by pid ${owner.pid} (${owner.command})` : "";
    return new NonRetryableError(
      `${names.name} port ${port} on ${host} is in use${holder}: stop that process, or set ${names.section}.port to a free port or 0 (ephemeral)`,
      { code: "OPS_PORT_IN_USE", cause: error },
    );
  }
  if (code === "EADDRNOTAVAIL" || code === "ENOTFOUND") {
    return new NonRetryableError(
      `${names.name} host ${host} is not an address of this machine: set ${names.section}.host to 127.0.0.1 or a local interface`,
      { code: "OPS_HOST_INVALID", cause: error },
    );
  }
  if (code === "EACCES") {
    return new NonRetryableError(`${names.name} port ${port} on ${host} needs privileges: set ${names.section}.port above 1023, or 0`, {
      code: "OPS_PORT_FORBIDDEN",
      cause: error,
    });
  }
  return toError(error);
}

/**
 * The process listening on TCP `port`, read from /proc (Linux only; undefined elsewhere or when
 * the owner belongs to another user). Best effort: it only enriches an error message.
 */
export function portOwner(port: number): { pid: number; command: string } | undefined {
  try {
    const inodes = new Set<string>();
    const portHex = port.toString(16).toUpperCase().padStart(4, "0");
    for (const table of ["/proc/net/tcp", "/proc/net/tcp6"]) {
      let text: string;
      try {
        text = readFileSync(table, "utf8");
      } catch {
        continue;
      }
      for (const line of text.split("\n").slice(1)) {
        const fields = line.trim().split(/\s+/);
        // fields: sl local_address rem_address st ... inode (index 9); st 0A = LISTEN
        if (fields[1]?.endsWith(`:${portHex}`) && fields[3] === "0A" && fields[9]) inodes.add(fields[9]);
      }
    }
    if (inodes.size === 0) return undefined;
    for (const entry of readdirSync("/proc")) {
      if (!/^\d+$/.test(entry)) continue;
      let fds: string[];
      try {
        fds = readdirSync(`/proc/${entry}/fd`);
      } catch {
        continue;
      }
      for (const fd of fds) {
        let link: string;
        try {
          link = readlinkSync(`/proc/${entry}/fd/${fd}`);
        } catch {
          continue;
        }
        const inode = /^socket:\[(\d+)\]$/.exec(link)?.[1];
        if (inode && inodes.has(inode)) {
          const command = readFileSync(`/proc/${entry}/cmdline`, "utf8").split("\0").filter(Boolean).join(" ");
          return { pid: Number(entry), command: command || "unknown command" };
        }
      }
    }
  } catch {
    return undefined;
  }
  return undefined;
}
