import type { Server } from "node:http";
import type { Socket } from "node:net";

/**
 * Tracks the ops server's sockets and their in-flight requests so that closing is prompt but
 * polite: idle sockets (including keep-alive sockets an HTTP client opened and never used, which
 * Node's own idle check does not treat as idle) are destroyed at once; busy ones once their
 * response is done; anything still open after the grace period is destroyed.
 */
export class ConnectionTracker {
  private readonly active = new Map<Socket, number>();
  private closing = false;

  constructor(server: Server) {
    server.on("connection", (socket: Socket) => {
      this.active.set(socket, 0);
      socket.once("close", () => this.active.delete(socket));
    });
    server.on("request", (request, response) => {
      const socket = request.socket;
      this.active.set(socket, (this.active.get(socket) ?? 0) + 1);
      response.once("close", () => {
        const remaining = (this.active.get(socket) ?? 1) - 1;
        this.active.set(socket, remaining);
        if (this.closing && remaining === 0) socket.destroy();
      });
    });
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
