import type { Server } from "node:http";
import type { Socket } from "node:net";

/**
 * Tracks the ops server's open sockets and their in-flight requests so that closing is prompt but
 * polite: idle sockets (including keep-alive sockets an HTTP client opened and never used, which
 * Node's own idle check does not treat as idle) are destroyed at once; busy ones once their
 * response is done; anything still open after the grace period is destroyed.
 *
 * A socket is tracked from its `connection` until its `close`, and never after: a response's
 * `close` may come after its socket's (a client that drops an SSE stream or an unfinished
 * request), so the response side only updates a socket that is still tracked. Holding a closed
 * socket would keep it and everything it references (parser, request, response) for good.
 */
export class ConnectionTracker {
  /** Open sockets → requests in flight on each. */
  private readonly active = new Map<Socket, number>();
  private closing = false;

  constructor(server: Server) {
    server.on("connection", (socket: Socket) => {
      this.active.set(socket, 0);
      socket.once("close", () => this.active.delete(socket));
    });
    server.on("request", (request, response) => {
      const socket = request.socket;
      const requests = this.active.get(socket);
      if (requests === undefined) return; // already closed: nothing to wait for
      this.active.set(socket, requests + 1);
      response.once("close", () => {
        const before = this.active.get(socket);
        if (before === undefined) return;
        const remaining = Math.max(0, before - 1);
        this.active.set(socket, remaining);
        if (this.closing && remaining === 0) socket.destroy();
      });
    });
  }

  /** Sockets tracked and requests in flight on them. */
  counts(): { sockets: number; requests: number } {
    let requests = 0;
    for (const count of this.active.values()) requests += count;
    return { sockets: this.active.size, requests };
  }

  /** Destroys idle sockets now and busy ones as their last response ends. */
  closeIdle(): void {
    this.closing = true;
    for (const [socket, requests] of this.active) if (requests === 0) socket.destroy();
  }

  /** Destroys every socket (the grace period is over). */
  destroyAll(): void {
    for (const socket of this.active.keys()) socket.destroy();
  }
}
