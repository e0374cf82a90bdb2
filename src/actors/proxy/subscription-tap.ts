import { randomUUID } from "node:crypto";
import { XPublisher, type XSubscriber } from "zeromq";

/**
 * Sees the subscriptions a proxy forwards upstream without touching its message path. libzmq's
 * proxy has no capture in zeromq.js, but an XSUB socket sends every subscription it forwards to
 * all of its publishers. So the tap binds the proxy's XSUB to a private inproc endpoint too and
 * connects an XPUB there, as one more (silent) publisher that reports every (un)subscription it
 * receives. It publishes nothing, so no data message ever goes through it, and inproc peers raise
 * no monitor events, so it is not counted as a connection.
 */
export class SubscriptionTap {
  subscriptions = 0;
  unsubscriptions = 0;
  private readonly socket: XPublisher;

  private constructor() {
    // allSubsUnsubs: count exactly what the XSUB sends, not the XPUB's own deduplicated view.
    this.socket = new XPublisher({ linger: 0, verbosity: "allSubsUnsubs" });
  }

  /** Attaches a tap to `frontend`; call before the proxy starts (it binds the socket once more). */
  static async attach(frontend: XSubscriber): Promise<SubscriptionTap> {
    const tap = new SubscriptionTap();
    const endpoint = `inproc://plexus-proxy-subscriptions-${randomUUID()}`;
    await frontend.bind(endpoint);
    tap.socket.connect(endpoint);
    void tap.read();
    return tap;
  }

  close(): void {
    if (!this.socket.closed) this.socket.close();
  }

  private async read(): Promise<void> {
    try {
      for (;;) {
        const [frame] = await this.socket.receive();
        if (frame?.[0] === 1) this.subscriptions++;
        else if (frame?.[0] === 0) this.unsubscriptions++;
      }
    } catch {
      // Closed with the proxy; a tap never fails the proxy it watches.
    }
  }
}
