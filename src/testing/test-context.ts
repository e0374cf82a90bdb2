import type { ActorContext, ActorStateStore, OpsRoutes } from "../runtime/actor-context.js";
import { silentLogger } from "../common/logger.js";
import { Metrics } from "../common/metrics.js";
import type { Bus, BusStats, Subscription } from "../transports/bus/bus.js";
import { createEnvelope, type Envelope } from "../transports/envelope.js";

/** A bus for tests that records what actors publish and delivers nothing. */
export interface RecordingBus extends Bus {
  readonly published: Envelope[];
}

/** Creates a bus that records publishes; subscribe and request fail loudly (pass a real bus for those). */
/** Stats of a test bus that only counts what was published: every other counter is zero. */
export function quietBusStats(published: number): BusStats {
  return {
    published,
    delivered: 0,
    handlerErrors: 0,
    deadLettered: 0,
    rejectedByContract: 0,
    drops: {},
    mailboxDepths: {},
    outbox: { depth: 0, dropped: 0, replayed: 0 },
    transport: { kind: "custom:test", connected: true, published, delivered: 0, unrouted: 0, drops: {} },
  };
}

export function createRecordingBus(source = "test"): RecordingBus {
  const published: Envelope[] = [];
  const unsupported = (what: string): Error =>
    new Error(
      `the recording test bus does not support ${what}; give createTestContext a real Bus (e.g. the runtime's memory bus) when the actor under test needs it`,
    );
  return {
    published,
    async publish<P>(topic: string, payload: P, options?: { headers?: Record<string, string>; source?: string }): Promise<Envelope<P>> {
      const envelope = createEnvelope(topic, payload, options?.source ?? source, options?.headers);
      published.push(envelope);
      return envelope;
    },
    async subscribe(): Promise<Subscription> {
      throw unsupported("subscribe");
    },
    async request<R>(): Promise<R> {
      throw unsupported("request");
    },
    stats: () => quietBusStats(published.length),
  };
}

/** An in-memory state store (no files), shared across incarnations when passed in explicitly. */
export function createMemoryStateStore(): ActorStateStore {
  let saved: unknown;
  return {
    async load<T>(): Promise<T | undefined> {
      return structuredClone(saved) as T | undefined;
    },
    async save(value: unknown): Promise<void> {
      saved = structuredClone(value);
    },
  };
}

/** Ops routes that accept mounts and remember them, for asserting an actor mounts and unmounts. */
export function createTestOpsRoutes(): OpsRoutes & { readonly mounted: Set<string> } {
  const mounted = new Set<string>();
  return {
    mounted,
    route(method, path) {
      const key = `${method} ${path}`;
      mounted.add(key);
      return () => mounted.delete(key);
    },
  };
}

// One registry for all test contexts: Metrics is get-or-create by name, and a registry per actor
// would make 10,000-actor tests slow for nothing.
let sharedMetrics: Metrics | undefined;

/**
 * Builds an ActorContext for tests of actor kinds: silent logger, recording bus, memory state,
 * a fresh Metrics registry. `signal` and `fail` come from the hosted lifecycle (or your test);
 * anything else can be overridden.
 */
export function createTestContext<O = Record<string, unknown>>(
  input: { id?: string; path?: string; options?: O; signal: AbortSignal; fail: (error: unknown) => void } & Partial<
    Omit<ActorContext<O>, "signal" | "fail">
  >,
): ActorContext<O> {
  const id = input.id ?? "actor-under-test";
  return {
    id,
    path: input.path ?? `root/${id}`,
    options: input.options ?? ({} as O),
    bus: input.bus ?? createRecordingBus(id),
    log: input.log ?? silentLogger(),
    state: input.state ?? createMemoryStateStore(),
    metrics: input.metrics ?? (sharedMetrics ??= new Metrics()),
    signal: input.signal,
    ops: input.ops ?? createTestOpsRoutes(),
    fail: input.fail,
  };
}
