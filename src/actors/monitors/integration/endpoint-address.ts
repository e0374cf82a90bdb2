/** An endpoint reduced to what decides whether a bind serves a connect. */
export interface EndpointAddress {
  /** Binds and connects with the same group can meet: `tcp:5556`, or the whole endpoint for ipc/inproc. */
  group: string;
  /** `*` for every interface, `local` for the loopback names, else the host as written; empty outside tcp. */
  host: string;
  /** How the endpoint is named in questions: `tcp://*:5556`, `tcp://localhost:5556`, `ipc:///tmp/x`. */
  display: string;
  /** A server the code only connects to (a Redis URL): no bind in the code is expected. */
  external: boolean;
}

/** Schemes of servers that run outside the analysed code. */
const EXTERNAL = /^(redis|rediss|valkey|valkeys):\/\//i;

const ANY = new Set(["*", "0.0.0.0", "::", "[::]"]);
const LOOPBACK = new Set(["localhost", "127.0.0.1", "::1", "[::1]"]);

/** Reads `tcp://host:port` (and other transports, kept whole); `tcp://*:5556` and `tcp://127.0.0.1:5556` share a group. */
export function endpointAddress(endpoint: string): EndpointAddress {
  const tcp = /^(tcp|ws|wss):\/\/(.*):(\d+)(\/.*)?$/i.exec(endpoint.trim());
  if (!tcp) return { group: endpoint.trim(), host: "", display: endpoint.trim(), external: EXTERNAL.test(endpoint.trim()) };
  const scheme = tcp[1]!.toLowerCase();
  const raw = tcp[2]!.toLowerCase();
  const host = ANY.has(raw) ? "*" : LOOPBACK.has(raw) ? "local" : raw;
  const port = tcp[3]!;
  return { group: `${scheme}:${port}`, host, display: `${scheme}://${host === "local" ? "localhost" : host}:${port}`, external: false };
}

/** Whether a bind on `bound` accepts a connect to `target` (same group, and the bind listens on that host). */
export function bindServes(bound: EndpointAddress, target: EndpointAddress): boolean {
  return bound.group === target.group && (bound.host === "*" || bound.host === target.host);
}

/** Whether two binds collide: same group and overlapping hosts. */
export function bindsCollide(a: EndpointAddress, b: EndpointAddress): boolean {
  return a.group === b.group && (a.host === "*" || b.host === "*" || a.host === b.host);
}
