import { createServer, type AddressInfo, type Server, type Socket } from "node:net";

/** A TCP endpoint that accepts connections and never answers, with its live connections. */
export interface SilentEndpoint {
  server: Server;
  /** Connections open now (a peer's close removes its socket). */
  sockets: Set<Socket>;
  /** `tcp://127.0.0.1:<port>`, as a zmq endpoint. */
  url: string;
  close(): Promise<void>;
}

/**
 * Listens on an ephemeral loopback port and ignores what arrives: a zmq socket connected to it
 * never completes its handshake, so a transport waiting for a route through it waits its whole
 * `connectWait`.
 */
export async function silentEndpoint(): Promise<SilentEndpoint> {
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
    socket.on("error", () => undefined);
    socket.resume(); // read (and ignore) the greeting, so the peer's close is seen
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    server,
    sockets,
    url: `tcp://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
