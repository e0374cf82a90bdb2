import { readdir, readFile, readlink } from "node:fs/promises";

/** The process holding a TCP listening socket, as far as /proc shows it. */
export interface EndpointHolder {
  pid: number;
  /** `/proc/<pid>/cmdline` with NULs turned into spaces. */
  command: string;
}

/** `tcp://host:port` → port; undefined for other transports or wildcard ports. */
export function tcpPort(endpoint: string): number | undefined {
  const match = /^tcp:\/\/.*:(\d+)$/.exec(endpoint);
  if (match === null) return undefined;
  const port = Number(match[1]);
  return Number.isInteger(port) && port > 0 && port < 65536 ? port : undefined;
}

/** Inodes of sockets LISTENing (state 0A) on `port`, from /proc/net/tcp and tcp6. */
async function listeningInodes(port: number): Promise<Set<string>> {
  const inodes = new Set<string>();
  const portHex = port.toString(16).toUpperCase().padStart(4, "0");
  for (const table of ["/proc/net/tcp", "/proc/net/tcp6"]) {
    let text: string;
    try {
      text = await readFile(table, "utf8");
    } catch {
      continue; // no IPv6 table, or no /proc at all (not Linux)
    }
    for (const line of text.split("\n").slice(1)) {
      // sl local_address rem_address st tx:rx tr:when retrnsmt uid timeout inode
      const fields = line.trim().split(/\s+/);
      const local = fields[1];
      if (local === undefined || fields[3] !== "0A") continue;
      if (local.slice(local.lastIndexOf(":") + 1) === portHex && fields[9] !== undefined) inodes.add(fields[9]);
    }
  }
  return inodes;
}

/**
 * Finds the process listening on the TCP port of `endpoint` by matching socket inodes in
 * /proc/net/tcp against /proc/<pid>/fd links. Best effort: returns undefined off Linux, for
 * non-TCP endpoints, or when the holder belongs to another user (its fds are unreadable).
 */
export async function findEndpointHolder(endpoint: string): Promise<EndpointHolder | undefined> {
  const port = tcpPort(endpoint);
  if (port === undefined) return undefined;
  const inodes = await listeningInodes(port);
  if (inodes.size === 0) return undefined;
  let pids: string[];
  try {
    pids = (await readdir("/proc")).filter((name) => /^\d+$/.test(name));
  } catch {
    return undefined;
  }
  for (const pid of pids) {
    let fds: string[];
    try {
      fds = await readdir(`/proc/${pid}/fd`);
    } catch {
      continue; // gone, or not ours to read
    }
    for (const fd of fds) {
      let target: string;
      try {
        target = await readlink(`/proc/${pid}/fd/${fd}`);
      } catch {
        continue;
      }
      const match = /^socket:\[(\d+)\]$/.exec(target);
      if (match !== null && inodes.has(match[1] as string)) {
        return { pid: Number(pid), command: await commandLine(pid) };
      }
    }
  }
  return undefined;
}

async function commandLine(pid: string): Promise<string> {
  try {
    const raw = await readFile(`/proc/${pid}/cmdline`, "utf8");
    return raw
      .split("\0")
      .filter((part) => part.length > 0)
      .join(" ");
  } catch {
    return "(command line unreadable)";
  }
}

/**
 * Waits until nothing LISTENs on the TCP port of `endpoint` any more, at most `timeoutMs`.
 * libzmq closes listeners asynchronously in its I/O thread, so "socket.close() returned" does not
 * yet mean "the port can be bound again"; a restart that binds at once would fail spuriously.
 */
export async function waitUntilReleased(endpoint: string, timeoutMs: number): Promise<boolean> {
  const port = tcpPort(endpoint);
  if (port === undefined) return true;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if ((await listeningInodes(port)).size === 0) return true;
    if (Date.now() >= deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
}
