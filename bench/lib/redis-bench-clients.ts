/**
 * The three clients bench/transport-redis.ts compares, each as a user of it would write them:
 * - "raw": ioredis alone, the bare limit — XADD pipelined per chunk, XREADGROUP … COUNT … BLOCK on
 *   its own connection, XACK of each read batch sent without waiting before the next read;
 * - "moleculer": `@moleculer/channels` with its Redis adapter — `broker.sendToChannel` and a
 *   channel handler in a service, logger off, `maxInFlight` = the read batch (its default of 1
 *   would read one entry per round trip: a handicapped baseline);
 * - "plexus": a MessageBus on a RedisTransport — `bus.publish` and `bus.subscribe`, defaults
 *   everywhere but the stream prefix.
 * Every flavour writes one stream entry per message, to the stream `<prefix>:events`.
 */
import { createRequire } from "node:module";
import { Redis } from "ioredis";
import { ServiceBroker } from "moleculer";
import { silentLogger } from "../../src/common/logger.js";
import { MessageBus } from "../../src/transports/bus/message-bus.js";
import { createEnvelope, type Envelope } from "../../src/transports/envelope.js";
import { RedisTransport } from "../../src/transports/redis/transport.js";
import { resolveTransportConfig } from "../../src/transports/transport-config.js";
import type { ResolvedRedisTransportConfig } from "../../src/transports/transport-config.js";

// The package is CommonJS with a `Middleware` property; its typings do not load under NodeNext.
const { Middleware: ChannelsMiddleware } = createRequire(import.meta.url)("@moleculer/channels") as {
  Middleware: (options: unknown) => unknown;
};

export type Flavour = "raw" | "moleculer" | "plexus";

export interface BenchPayload {
  seq: number;
  sentAt: number;
  note: string;
}

export interface ClientArgs {
  url: string;
  /** Unique per run: every key the run creates starts with it. */
  prefix: string;
  /** Entries per read (raw COUNT, moleculer maxInFlight; plexus uses its default, also 100). */
  batch: number;
}

export interface BenchPublisher {
  /** Publishes every payload; resolves once the client reports all of them written. */
  sendChunk(payloads: readonly BenchPayload[]): Promise<void>;
  close(): Promise<void>;
}

export interface BenchSubscriber {
  close(): Promise<void>;
}

export const TOPIC = "bench.load";
const GROUP = "bench";

export function streamOf(prefix: string): string {
  return `${prefix}:events`;
}

function plexusConfig(args: ClientArgs): ResolvedRedisTransportConfig {
  return resolveTransportConfig({ kind: "redis", url: args.url, prefix: args.prefix }) as ResolvedRedisTransportConfig;
}

function moleculerBroker(args: ClientArgs, nodeID: string): ServiceBroker {
  return new ServiceBroker({
    nodeID,
    logger: false,
    middlewares: [ChannelsMiddleware({ adapter: { type: "Redis", options: { redis: args.url, maxInFlight: args.batch } } }) as never],
  });
}

export async function openPublisher(flavour: Flavour, args: ClientArgs): Promise<BenchPublisher> {
  const stream = streamOf(args.prefix);
  if (flavour === "plexus") {
    const bus = new MessageBus({ transport: new RedisTransport(plexusConfig(args), { log: silentLogger(), source: "bench" }) });
    await bus.start();
    return {
      sendChunk: async (payloads) => void (await Promise.all(payloads.map((p) => bus.publish(TOPIC, p)))),
      close: () => bus.close(),
    };
  }
  if (flavour === "moleculer") {
    const broker = moleculerBroker(args, `bench-pub-${process.pid}`);
    await broker.start();
    const send = (broker as unknown as { sendToChannel(name: string, payload: unknown): Promise<void> }).sendToChannel.bind(broker);
    return {
      sendChunk: async (payloads) => void (await Promise.all(payloads.map((p) => send(stream, p)))),
      close: () => broker.stop(),
    };
  }
  const client = new Redis(args.url);
  return {
    sendChunk: async (payloads) => {
      const pipeline = client.pipeline();
      for (const p of payloads) pipeline.xadd(stream, "*", "topic", TOPIC, "envelope", JSON.stringify(createEnvelope(TOPIC, p, "bench")));
      const results = await pipeline.exec();
      const failed = results?.find(([error]) => error !== null);
      if (failed) throw failed[0];
    },
    close: async () => void (await client.quit()),
  };
}

/** Subscribes `record` to the bench stream; resolves once the subscription is live. */
export async function openSubscriber(flavour: Flavour, args: ClientArgs, record: (p: BenchPayload) => void): Promise<BenchSubscriber> {
  const stream = streamOf(args.prefix);
  if (flavour === "plexus") {
    const bus = new MessageBus({ transport: new RedisTransport(plexusConfig(args), { log: silentLogger(), source: "bench" }) });
    await bus.start();
    await bus.subscribe<BenchPayload>("bench.>", (e) => record(e.payload), { group: GROUP });
    return { close: () => bus.close() };
  }
  if (flavour === "moleculer") {
    const broker = moleculerBroker(args, `bench-sub-${process.pid}`);
    broker.createService({
      name: "bench",
      channels: { [stream]: { group: GROUP, handler: (payload: BenchPayload) => record(payload) } },
    } as never);
    await broker.start();
    return { close: () => broker.stop() };
  }
  const admin = new Redis(args.url);
  await admin.xgroup("CREATE", stream, GROUP, "$", "MKSTREAM");
  await admin.quit();
  const reader = new Redis(args.url);
  let stop = false;
  const loop = (async () => {
    while (!stop) {
      let reply: Array<[string, Array<[string, string[]]>]> | null;
      try {
        reply = (await reader.xreadgroup(
          "GROUP",
          GROUP,
          "raw-sub",
          "COUNT",
          args.batch,
          "BLOCK",
          1_000,
          "STREAMS",
          stream,
          ">",
        )) as typeof reply;
      } catch {
        return; // disconnected by close()
      }
      if (!reply) continue;
      for (const [, entries] of reply) {
        const ids: string[] = [];
        for (const [id, fields] of entries) {
          ids.push(id);
          record((JSON.parse(fields[fields.indexOf("envelope") + 1] as string) as Envelope<BenchPayload>).payload);
        }
        // Not awaited, same connection: Redis runs it before the next read queued behind it.
        reader.xack(stream, GROUP, ...ids).catch(() => undefined);
      }
    }
  })();
  return {
    close: async () => {
      stop = true;
      await Promise.race([loop, new Promise((resolve) => setTimeout(resolve, 1_500))]);
      reader.disconnect();
    },
  };
}

/** Entries of the bench stream's group not acked (0 when everything received was acked). */
export async function pendingCount(url: string, prefix: string): Promise<number> {
  const admin = new Redis(url);
  try {
    return Number(((await admin.xpending(streamOf(prefix), GROUP)) as unknown[])[0]);
  } catch {
    return -1;
  } finally {
    await admin.quit();
  }
}
