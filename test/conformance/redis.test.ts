import type { Redis } from "ioredis";
import { redisHostPort, serviceAvailable } from "../helpers/services.js";
import { runPrefix } from "../helpers/wait.js";
import { adminClient, deleteKeys, makeTransport, redisConfig } from "../transports/redis/kit.js";
import { busOpener, type ConformanceHarness } from "./conformance-harness.js";
import { describeTransportConformance } from "./transport-conformance.js";

const { host, port } = redisHostPort();
const hasRedis = await serviceAvailable("redis", host, port);

/**
 * Every bus gets its own RedisTransport (its own connections, as a separate process would) on one
 * unique key prefix; cleanup closes them and deletes every key under the prefix. maxDeliveries is
 * low and claimIdleMs short so a throwing handler is dead-lettered within about a second. `pack`
 * > 1 runs the whole suite on packed entries, so every Bus-level guarantee holds for them too.
 */
async function redisHarness(pack: number): Promise<ConformanceHarness> {
  const prefix = runPrefix(`conformance-pack${pack}`);
  const config = redisConfig(prefix, { maxDeliveries: 2, claimIdleMs: 200, pack });
  const buses = busOpener(() => makeTransport(config));
  let admin: Redis | undefined;
  return {
    openBus: buses.openBus,
    async cleanup() {
      await buses.closeAll();
      admin ??= adminClient();
      await deleteKeys(admin, prefix);
      admin.disconnect();
    },
    features: {
      groupsAcrossBuses: true,
      restartPeer: {
        skip: "not run for redis: restarting the shared Redis server would disturb every other suite; reconnection is covered by resuming a group from a fresh transport",
      },
      groupResume: true,
      incomingContracts: true,
    },
  };
}

describeTransportConformance("redis", () => redisHarness(1), { enabled: hasRedis, waitMs: 8_000 });
describeTransportConformance("redis pack=10", () => redisHarness(10), { enabled: hasRedis, waitMs: 8_000 });
