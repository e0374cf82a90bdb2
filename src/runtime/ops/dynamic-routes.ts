import type { OpsRequest, OpsResponse } from "../actor-context.js";
import { PlexusError } from "../../common/errors.js";

export type OpsMethod = "GET" | "POST" | "PUT" | "DELETE";
export type OpsRouteHandler = (request: OpsRequest) => OpsResponse | Promise<OpsResponse>;

/**
 * Routes actors mount while the server is already listening. Fastify freezes its router at
 * `listen()`, so these live in a plain map consulted by one catch-all route. Paths match exactly
 * (after trimming a trailing slash); one handler per method and path.
 */
export class DynamicRouteTable {
  private readonly routes = new Map<string, OpsRouteHandler>();

  constructor(private readonly reserved: ReadonlySet<string>) {}

  /** Mounts `handler`; returns an idempotent remover that only removes this handler. */
  add(method: OpsMethod, path: string, handler: OpsRouteHandler): () => void {
    const normalized = normalizePath(path);
    if (this.reserved.has(normalized)) {
      throw new PlexusError(
        "OPS_ROUTE_CONFLICT",
        `cannot mount ${method} ${normalized}: the ops server owns that path; choose another path`,
        { retryable: false },
      );
    }
    const key = `${method} ${normalized}`;
    if (this.routes.has(key)) {
      throw new PlexusError(
        "OPS_ROUTE_CONFLICT",
        `cannot mount ${key}: another actor already mounted it; remove it first or choose another path`,
        { retryable: false },
      );
    }
    this.routes.set(key, handler);
    return () => {
      if (this.routes.get(key) === handler) this.routes.delete(key);
    };
  }

  /** The handler for `method path`, or why there is none (404 vs 405). */
  find(method: string, path: string): { handler: OpsRouteHandler } | { status: 404 | 405; allowed: string[] } {
    const normalized = normalizePath(path);
    const handler = this.routes.get(`${method} ${normalized}`);
    if (handler) return { handler };
    const allowed = [...this.routes.keys()]
      .filter((key) => key.slice(key.indexOf(" ") + 1) === normalized)
      .map((key) => key.slice(0, key.indexOf(" ")));
    return allowed.length > 0 ? { status: 405, allowed } : { status: 404, allowed };
  }

  /** Mounted routes as `METHOD /path`, for the 404 hint. */
  list(): string[] {
    return [...this.routes.keys()].sort();
  }
}

function normalizePath(path: string): string {
  if (!path.startsWith("/")) {
    throw new PlexusError("OPS_ROUTE_INVALID", `ops route path ${JSON.stringify(path)} must start with "/"`, { retryable: false });
  }
  return path.length > 1 && path.endsWith("/") ? path.slice(0, -1) : path;
}
