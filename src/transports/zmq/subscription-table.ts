import type { Delivery } from "../transport.js";
import { LocalRoutes, type DeliveryTarget } from "../local-routes.js";
import { BATCH_MARKER } from "./frames.js";

/** The part of a zeromq.js Subscriber the table drives. */
export interface PrefixSocket {
  subscribe(...prefixes: string[]): void;
  unsubscribe(...prefixes: string[]): void;
}

/**
 * Who receives what on the zmq subscriber side: patterns → delivery targets (queue groups shared
 * round-robin), and the SUB socket's prefix subscriptions, reference-counted so libzmq sees one
 * subscribe per prefix however many patterns share it. ZeroMQ filters by prefix only, so every
 * received topic is matched again against the patterns here.
 */
export class ZmqSubscriptionTable {
  private readonly routes = new LocalRoutes();
  private readonly prefixes = new Map<string, number>();

  constructor(private readonly socket: PrefixSocket) {}

  /** Distinct SUB prefixes currently subscribed (probes included). */
  get prefixCount(): number {
    return this.prefixes.size;
  }

  /** Targets whose pattern matches `topic` (empty when the prefix admitted a non-match). */
  match(topic: string): DeliveryTarget[] {
    return this.routes.match(topic);
  }

  /**
   * Adds a delivery target for `pattern` (shared round-robin per group; ZeroMQ has no
   * cross-process groups, so two processes with the same group each get every message).
   */
  attach(pattern: string, group: string | undefined, deliver: Delivery): () => void {
    return this.routes.attach(pattern, group, deliver);
  }

  /**
   * Reference-counted SUB subscribe; true when the prefix is new to the socket. Data prefixes
   * also subscribe their batch-marked twin so publishers using `batchFrames` reach us.
   */
  addPrefix(prefix: string, withBatchTwin: boolean): boolean {
    const count = this.prefixes.get(prefix) ?? 0;
    this.prefixes.set(prefix, count + 1);
    if (count > 0) return false;
    this.socket.subscribe(...(withBatchTwin ? [prefix, BATCH_MARKER + prefix] : [prefix]));
    return true;
  }

  removePrefix(prefix: string, withBatchTwin: boolean): void {
    const count = this.prefixes.get(prefix) ?? 0;
    if (count > 1) {
      this.prefixes.set(prefix, count - 1);
      return;
    }
    this.prefixes.delete(prefix);
    if (count === 1) this.socket.unsubscribe(...(withBatchTwin ? [prefix, BATCH_MARKER + prefix] : [prefix]));
  }
}
