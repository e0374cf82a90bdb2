import { silentLogger } from "../common/logger.js";
import { loadConfig } from "../runtime/config/load-config.js";
import type { Bus, BusStats, Handler, PublishOptions, RequestOptions, SubscribeOptions, Subscription } from "../transports/bus/bus.js";
import type { MessageBus } from "../transports/bus/message-bus.js";
import type { Envelope } from "../transports/envelope.js";
import { openBus } from "../transports/open-bus.js";
import { quietBusStats } from "./quiet-bus-stats.js";

/**
 * The bus tests give actors: the real `MessageBus` (topic checks, mailboxes, request/reply, dead
 * letters) over the in-process memory transport, so an actor that subscribes or requests is
 * tested the way it runs; plus a record of what was published through it, to assert on.
 */
export interface TestBus extends Bus {
  /** Every envelope published through this bus, in the order the publishes completed. */
  readonly published: readonly Envelope[];
  /** Resolves once the bus is open. Every method waits for it, so awaiting it is optional. */
  readonly ready: Promise<void>;
  /** Closes the bus: subscriptions end, pending requests reject. Idempotent. */
  close(): Promise<void>;
}

/** Who a test bus speaks for. */
export interface TestBusOptions {
  /** `envelope.source` of publishes that name none. @defaultValue "test" */
  source?: string;
}

/**
 * Creates a real in-memory bus for a test. It opens in the background (the bus section's defaults
 * come from the config schema, as in a runtime), so it can be created where an answer is needed
 * at once, such as a context; close it when the test ends (`checkActorLifecycle` and
 * `checkMachine` close the buses they create).
 */
export function createTestBus(options: TestBusOptions = {}): TestBus {
  return new RecordingMessageBus(options.source ?? "test");
}

class RecordingMessageBus implements TestBus {
  readonly published: Envelope[] = [];
  readonly ready: Promise<void>;
  private readonly opening: Promise<MessageBus>;
  private inner: MessageBus | undefined;
  private closing: Promise<void> | undefined;

  constructor(source: string) {
    this.opening = openMemoryBus(source).then((bus) => (this.inner = bus));
    this.ready = this.opening.then(() => undefined);
    // Callers that never use the bus must not see an unhandled rejection; users of it get the error.
    this.ready.catch(() => undefined);
  }

  async publish<P>(topic: string, payload: P, options?: PublishOptions): Promise<Envelope<P>> {
    const bus = await this.opening;
    const envelope = await bus.publish(topic, payload, options);
    this.published.push(envelope);
    return envelope;
  }

  async subscribe<P = unknown>(pattern: string, handler: Handler<P>, options?: SubscribeOptions): Promise<Subscription> {
    return (await this.opening).subscribe(pattern, handler, options);
  }

  async request<R = unknown, P = unknown>(topic: string, payload: P, options?: RequestOptions): Promise<R> {
    return (await this.opening).request<R, P>(topic, payload, options);
  }

  stats(): BusStats {
    return this.inner?.stats() ?? quietBusStats(0);
  }

  close(): Promise<void> {
    this.closing ??= this.opening.then(
      (bus) => bus.close(),
      () => undefined,
    );
    return this.closing;
  }
}

async function openMemoryBus(source: string): Promise<MessageBus> {
  // Defaults live in the config schema: a config naming only the memory transport gets them all.
  const config = await loadConfig({ transport: { kind: "memory" } }, { kinds: new Map() });
  return openBus({ transport: config.transport, bus: config.bus }, { source, log: silentLogger() });
}
