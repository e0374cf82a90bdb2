import type { Redis } from "ioredis";
import { silentLogger } from "../../src/runtime/logger.js";
import { MessageBus } from "../../src/transports/bus.js";
import { conformanceBusConfig, type ConformanceHarness } from "../conformance/conformance-harness.js";
import { describeTransportConformance } from "../conformance/transport-conformance.js";
import { redisHostPort, serviceAvailable } from "../helpers/services.js";
import { runPrefix } from "../helpers/wait.js";
import { adminClient, deleteKeys, makeTransport, redisConfig } from "./redis-kit.js";

const { host, port } = redisHostPort();
const hasRedis = await serviceAvailable("redis", host, port);

/**
 * The whole transport conformance suite again with `transport.pack: 10`, so every Bus-level
 * guarantee (order, groups, dead letters, contracts, resume) holds for packed entries too. Same
 * set-up as test/conformance/redis.test.ts otherwise.
 */
async function packedHarness(): Promise<ConformanceHarness> {
  const prefix = runPrefix("conformance-pack");
  const config = redisConfig(prefix, { maxDeliveries: 2, claimIdleMs: 200, pack: 10 });
  const buses: MessageBus[] = [];
  let admin: Redis | undefined;
  return {
    async openBus(name, options = {}) {
      const bus = new MessageBus({
        transport: makeTransport(config),
        source: name,
        log: silentLogger(),
        defaults: conformanceBusConfig,
        ...(options.contracts ? { contracts: options.contracts } : {}),
      });
      buses.push(bus);
      await bus.start();
      return bus;
    },
    async cleanup() {
      await Promise.all(buses.map((bus) => bus.close()));
      admin ??= adminClient();
      await deleteKeys(admin, prefix);
      admin.disconnect();
    },
    features: {
      groupsAcrossBuses: true,
      restartPeer: { skip: "not run for redis: restarting the shared Redis server would disturb every other suite" },
      groupResume: true,
      incomingContracts: true,
    },
  };
}

describeTransportConformance("redis pack=10", packedHarness, { enabled: hasRedis, waitMs: 8_000 });
