import type { ResolvedTransportConfig } from "../transports/transport-config.js";
import { RedisStreamLayout } from "../transports/redis/stream-layout.js";
import { closeDoctorRedis, openDoctorRedis } from "./redis-client.js";

/**
 * What the doctor round trip leaves in Redis, and how it is removed. Called before the round trip
 * (to learn what already existed) and returns the clean-up to run after it.
 *
 * - `per-topic`: the doctor topic's own stream and its entry in the topic registry: both removed.
 * - `events`: the one entry in `<prefix>:events`. When doctor created the stream (it did not exist
 *   before and nobody else joined it meanwhile) the stream is deleted. Otherwise the entry stays
 *   and is trimmed with the rest: deleting it from a shared stream could pull it out from under
 *   another group that has read but not yet acked it. plexus consumers skip it (a system topic).
 *
 * Every Redis error is swallowed: the round-trip result already reports an unreachable Redis, and
 * the leftovers are a few bytes.
 */
export async function prepareRedisLeftoverCleanup(transport: ResolvedTransportConfig, topic: string): Promise<() => Promise<void>> {
  if (transport.kind !== "redis") return async () => {};
  const layout = new RedisStreamLayout(transport.prefix, transport.layout);
  const url = transport.url;
  if (layout.kind === "per-topic") {
    return () =>
      withRedis(url, async (client) => {
        await client.del(layout.topicStream(topic));
        await client.srem(layout.topicRegistry, topic);
      });
  }
  let existed = true;
  await withRedis(url, async (client) => {
    existed = (await client.exists(layout.eventsStream)) === 1;
  });
  if (existed) return async () => {};
  return () =>
    withRedis(url, async (client) => {
      const groups = (await client.xinfo("GROUPS", layout.eventsStream)) as unknown[];
      const length = await client.xlen(layout.eventsStream);
      if (groups.length === 0 && length <= 1) await client.del(layout.eventsStream);
    });
}

async function withRedis(url: string, work: (client: Awaited<ReturnType<typeof openDoctorRedis>>) => Promise<void>): Promise<void> {
  try {
    const client = await openDoctorRedis(url);
    try {
      await work(client);
    } finally {
      await closeDoctorRedis(client);
    }
  } catch {
    // See the doc comment: leftovers are best effort.
  }
}
