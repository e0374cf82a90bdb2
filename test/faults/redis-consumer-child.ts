/**
 * A consumer process for the SIGKILL fault test: joins group $PLEXUS_GROUP on the events stream
 * of $PLEXUS_PREFIX, handles each envelope slowly (so entries are pending when it dies), and
 * prints `ready` once subscribed and `handled <id>` after each successful handler run.
 */
import { silentLogger } from "../../src/common/logger.js";
import { RedisTransport } from "../../src/transports/redis/transport.js";

const prefix = process.env.PLEXUS_PREFIX;
const group = process.env.PLEXUS_GROUP;
const url = process.env.PLEXUS_TEST_REDIS_URL ?? "redis://127.0.0.1:6379";
if (!prefix || !group) throw new Error("PLEXUS_PREFIX and PLEXUS_GROUP must be set");

const transport = new RedisTransport(
  {
    kind: "redis",
    url,
    prefix,
    layout: "events",
    maxLen: 100_000,
    claimIdleMs: 300,
    maxDeliveries: 10,
    blockMs: 200,
    batch: 20,
    dedupeWindow: 10_000,
  },
  { log: silentLogger(), source: "child", tuning: { reclaimIntervalMs: 100 } },
);
await transport.connect();
// Handlers run one at a time, slowly, so the process always holds a batch of unacked entries;
// after PLEXUS_HANG_AFTER of them it stops finishing work at all (a wedged worker about to be
// killed by its watchdog), which makes "entries pending at the moment of death" certain.
const hangAfter = Number(process.env.PLEXUS_HANG_AFTER ?? Infinity);
let handled = 0;
let queue: Promise<void> = Promise.resolve();
await transport.subscribe({ pattern: "work.>", group, subscriber: "child" }, (envelope) => {
  queue = queue.then(async () => {
    if (handled >= hangAfter) await new Promise<never>(() => undefined);
    await new Promise((resolve) => setTimeout(resolve, 2));
    handled++;
    process.stdout.write(`handled ${envelope.id}\n`);
  });
  return queue;
});
process.stdout.write("ready\n");
