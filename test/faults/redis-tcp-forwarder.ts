import { createServer, Socket, type AddressInfo, type Server } from "node:net";

/**
 * A TCP forwarder between plexus and Redis that a test can cut and restore, so connection loss
 * is simulated without touching the shared Redis server. `cut()` destroys every proxied
 * connection and stops listening (new connects are refused); `restore()` listens again on the
 * same port.
 */
export class TcpForwarder {
  private server: Server | undefined;
  private readonly sockets = new Set<Socket>();
  private boundPort = 0;

  constructor(
    private readonly targetHost: string,
    private readonly targetPort: number,
  ) {}

  /** Listens on 127.0.0.1 (ephemeral port on first start); resolves with the port. */
  async start(): Promise<number> {
    const server = createServer((client) => {
      const upstream = new Socket();
      this.sockets.add(client);
      this.sockets.add(upstream);
      const closeBoth = () => {
        client.destroy();
        upstream.destroy();
        this.sockets.delete(client);
        this.sockets.delete(upstream);
      };
      client.on("error", closeBoth).on("close", closeBoth);
      upstream.on("error", closeBoth).on("close", closeBoth);
      upstream.connect(this.targetPort, this.targetHost, () => {
        client.pipe(upstream);
        upstream.pipe(client);
      });
    });
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(this.boundPort, "127.0.0.1", () => resolve());
    });
    this.server = server;
    this.boundPort = (server.address() as AddressInfo).port;
    return this.boundPort;
  }

  get port(): number {
    return this.boundPort;
  }

  /**
   * Stops moving bytes in both directions without closing anything, like a black-holed network
   * or a paused server: requests sit unanswered until {@link unstall}.
   */
  stall(): void {
    for (const socket of this.sockets) socket.pause();
  }

  unstall(): void {
    for (const socket of this.sockets) socket.resume();
  }

  /** Drops every live connection and refuses new ones. */
  async cut(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    for (const socket of this.sockets) socket.destroy();
    this.sockets.clear();
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** Accepts connections again on the same port. */
  async restore(): Promise<void> {
    await this.start();
  }
}
