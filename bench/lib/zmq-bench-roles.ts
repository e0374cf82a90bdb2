/**
 * Node child-process roles of bench/transport-zmq.ts: each role runs in its own process so publisher,
 * proxy and subscriber do not share an event loop (as in production). bench/lib/pyzmq-bench-peer.py
 * has the pyzmq roles (and the C proxy); both speak the same messages.
 *
 *   proxy  PROXY                            → sends { xsub, xpub }
 *   sub    plexus XPUB EXPECTED XSUB        → sends "ready", "warm", then a SubscriberReport
 *   pub    plexus XSUB XPUB                 → warms up until told "go" ({ mode, ... }), sends { done }
 *
 * PROXY: zmq-native (zeromq.js's Proxy, bare: the limit of libzmq's loop in a Node process) |
 * plexus-native | plexus-counting (the proxy actor hosted by a runtime, in that mode). Every proxy
 * uses the same socket options: HWM (default 10,000) both ways, XPUB_NODROP unless NODROP=0, linger 0.
 */
import { mkdtemp } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { Proxy, XPublisher, XSubscriber } from "zeromq";
import { proxyActor } from "../../src/actors/proxy/actor.js";
import { silentLogger } from "../../src/common/logger.js";
import { createRuntime } from "../../src/create-runtime.js";
import { createEnvelope, type Envelope } from "../../src/transports/envelope.js";
import { ZmqTransport } from "../../src/transports/zmq/transport.js";

export interface SubscriberReport {
  received: number;
  /** ms between the first and the last data message. */
  elapsedMs: number;
  latencyMs: { p50: number; p99: number; max: number } | undefined;
}

export type GoCommand = { mode: "throughput"; messages: number } | { mode: "rate"; perSecond: number; seconds: number };

const [role, flavour, ...args] = process.argv.slice(2);
const PAD = "x".repeat(100);
const send = (message: unknown): void => void process.send?.(message);
const now = (): number => performance.timeOrigin + performance.now();

function onceMessage<T>(): Promise<T> {
  return new Promise((resolve) => process.once("message", (message) => resolve(message as T)));
}

function percentile(sorted: Float64Array, p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((sorted.length - 1) * p))] ?? Number.NaN;
}

const HWM = Number(process.env.HWM ?? 10_000);
const NODROP = process.env.NODROP !== "0";

/** A loopback port the OS just handed out and released (the runtime's config wants real ports). */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === "string") throw new Error("no port");
  return address.port;
}

async function proxyRole(): Promise<void> {
  if (flavour === "zmq-native") {
    const xsub = new XSubscriber({ linger: 0, sendHighWaterMark: HWM, receiveHighWaterMark: HWM });
    const xpub = new XPublisher({ linger: 0, sendHighWaterMark: HWM, receiveHighWaterMark: HWM, noDrop: NODROP });
    await xsub.bind("tcp://127.0.0.1:*");
    await xpub.bind("tcp://127.0.0.1:*");
    send({ xsub: xsub.lastEndpoint, xpub: xpub.lastEndpoint });
    const proxy = new Proxy(xsub, xpub);
    // Exiting while libzmq's loop holds the sockets would hang in zeromq.js's teardown.
    process.on("exit", () => proxy.terminate());
    await proxy.run();
    return;
  }
  const mode = flavour === "plexus-counting" ? "counting" : "native";
  const endpoints = { xsub: `tcp://127.0.0.1:${await freePort()}`, xpub: `tcp://127.0.0.1:${await freePort()}` };
  const runtime = createRuntime({
    config: {
      runtime: { name: `bench-proxy-${mode}`, ops: { enabled: false }, stateDir: await mkdtemp(join(tmpdir(), "plexus-bench-")) },
      transport: { kind: "memory" },
      children: [
        {
          id: "proxy",
          kind: "proxy",
          options: { ...endpoints, mode, noDrop: NODROP, sendHighWaterMark: HWM, receiveHighWaterMark: HWM },
        },
      ],
    },
    kinds: [proxyActor],
    logger: silentLogger(),
  });
  await runtime.start();
  send(endpoints);
}

/** Counts data messages, answers warm-up messages, records latency from `sentAt`. */
class Tally {
  received = 0;
  first = 0;
  last = 0;
  warm = false;
  private readonly latencies: Float64Array;
  constructor(private readonly expected: number) {
    this.latencies = new Float64Array(expected);
  }
  /** True when the run is complete. */
  record(topic: string, payload: { sentAt: number }): boolean {
    if (topic === "bench.warmup") {
      if (!this.warm) send("warm");
      this.warm = true;
      return false;
    }
    const at = now();
    if (this.received === 0) this.first = at;
    this.last = at;
    if (this.received < this.expected) this.latencies[this.received] = at - payload.sentAt;
    this.received++;
    return this.received >= this.expected;
  }
  report(): SubscriberReport {
    const sorted = this.latencies.slice(0, Math.min(this.received, this.expected)).sort();
    return {
      received: this.received,
      elapsedMs: this.last - this.first,
      latencyMs:
        sorted.length > 0 ? { p50: percentile(sorted, 0.5), p99: percentile(sorted, 0.99), max: percentile(sorted, 1) } : undefined,
    };
  }
}

async function subRole(xpub: string, expected: number): Promise<void> {
  const tally = new Tally(expected);
  // Ends after 2 s without data, so a lossy run still reports what arrived.
  let idle: NodeJS.Timeout | undefined;
  const finish = (): void => {
    send(tally.report());
    setTimeout(() => process.exit(0), 50);
  };
  const touch = (): void => {
    if (idle !== undefined) clearTimeout(idle);
    idle = setTimeout(finish, 2_000);
  };
  const transport = new ZmqTransport(
    { kind: "zmq", xsub: args[2] ?? "", xpub, noDrop: true, sendHighWaterMark: HWM, receiveHighWaterMark: HWM },
    { log: silentLogger(), source: "bench-sub" },
  );
  await transport.connect();
  await transport.subscribe({ pattern: "bench.>", subscriber: "bench" }, (envelope: Envelope) => {
    if (tally.warm) touch();
    if (tally.record(envelope.topic, envelope.payload as { sentAt: number })) finish();
  });
  send("ready");
}

interface PublisherApi {
  /** Sends `count` messages now, in order. */
  burst(topic: string, count: number): Promise<void>;
}

async function plexusPublisher(xsub: string, xpub: string): Promise<PublisherApi> {
  const transport = new ZmqTransport(
    { kind: "zmq", xsub, xpub, noDrop: true, sendHighWaterMark: HWM, receiveHighWaterMark: HWM },
    { log: silentLogger(), source: "bench-pub" },
  );
  await transport.connect();
  return {
    async burst(topic, count) {
      // The Bus hands the transport batches; 256 is a typical batch under load.
      for (let offset = 0; offset < count; offset += 256) {
        const size = Math.min(256, count - offset);
        const batch = new Array<Envelope>(size);
        for (let i = 0; i < size; i++) batch[i] = createEnvelope(topic, { sentAt: now(), pad: PAD }, "bench");
        await transport.publish(batch);
      }
    },
  };
}

async function pubRole(xsub: string, xpub: string): Promise<void> {
  const api = await plexusPublisher(xsub, xpub);
  const go = onceMessage<GoCommand>();
  let started = false;
  void go.then(() => (started = true));
  // Warm up until the subscriber has seen us (slow joiner), then wait for the command.
  while (!started) {
    await api.burst("bench.warmup", 1);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  const command = await go;
  if (command.mode === "throughput") {
    await api.burst("bench.data", command.messages);
  } else {
    const total = command.perSecond * command.seconds;
    const start = now();
    let sent = 0;
    while (sent < total) {
      const due = Math.min(total, Math.floor(((now() - start) * command.perSecond) / 1000)) - sent;
      if (due > 0) {
        await api.burst("bench.data", due);
        sent += due;
      }
      await new Promise((resolve) => setTimeout(resolve, 1));
    }
  }
  send({ done: true });
}

async function main(): Promise<void> {
  if (role === "proxy") return proxyRole();
  if (role === "sub") return subRole(args[0] ?? "", Number(args[1]));
  if (role === "pub") return pubRole(args[0] ?? "", args[1] ?? "");
  throw new Error(`unknown role ${role}`);
}

process.on("SIGTERM", () => process.exit(0));

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
