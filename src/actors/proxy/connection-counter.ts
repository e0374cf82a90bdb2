import type { Socket } from "zeromq";

/**
 * Counts the peers connected to a bound socket from libzmq's monitor events. The monitor is a
 * separate inproc socket read on the JavaScript thread, so it keeps working while libzmq's proxy
 * owns the watched socket; it must be created before the proxy starts, as it configures the socket.
 * Inproc peers produce no monitor events and are not counted.
 */
export class ConnectionCounter {
  private accepted = 0;
  private disconnected = 0;

  constructor(socket: Socket) {
    const events = socket.events;
    events.on("accept", () => void this.accepted++);
    events.on("disconnect", () => void this.disconnected++);
  }

  /** Peers connected now. */
  get connected(): number {
    return this.accepted - this.disconnected;
  }
}
