import { spawn, type ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";
import type { Redis } from "ioredis";
import { afterAll, describe, expect, it } from "vitest";
import { createEnvelope, type Envelope } from "../../src/transports/envelope.js";
import type { RedisTransport } from "../../src/transports/redis/transport.js";
import { redisHostPort, REDIS_URL, serviceAvailable } from "../helpers/services.js";
import { runPrefix, waitFor } from "../helpers/wait.js";
import { adminClient, deleteKeys, makeTransport, pendingCount, redisConfig } from "../transports/redis/kit.js";

const { host, port } = redisHostPort();
const hasRedis = await serviceAvailable("redis", host, port);
const childScript = fileURLToPath(new URL("./redis-consumer-child.ts", import.meta.url));

describe.skipIf(!hasRedis)("Redis consumer killed with SIGKILL mid-stream", () => {
  const prefix = runPrefix("redis-kill");
  const group = "kill-group";
  const open: RedisTransport[] = [];
  let admin: Redis | undefined;
  let child: ChildProcess | undefined;

  afterAll(async () => {
    if (child && child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
    await Promise.all(open.map((t) => t.close()));
    if (admin) {
      await deleteKeys(admin, prefix);
      await admin.quit();
    }
  });

  it("loses nothing: the surviving group member reclaims and acks every entry the dead one held", async () => {
    admin = adminClient();
    const survivor = makeTransport(redisConfig(prefix, { batch: 20, maxDeliveries: 10 }));
    const publisher = makeTransport(redisConfig(prefix));
    open.push(survivor, publisher);
    await survivor.connect();
    await publisher.connect();
    const handledBySurvivor = new Set<string>();
    await survivor.subscribe({ pattern: "work.>", group, subscriber: "survivor" }, async (envelope) => {
      await new Promise((resolve) => setImmediate(resolve));
      handledBySurvivor.add(envelope.id);
    });

    const handledByChild = new Set<string>();
    child = spawn(process.execPath, ["--import", "tsx", childScript], {
      env: { ...process.env, PLEXUS_PREFIX: prefix, PLEXUS_GROUP: group, PLEXUS_TEST_REDIS_URL: REDIS_URL, PLEXUS_HANG_AFTER: "30" },
      stdio: ["ignore", "pipe", "inherit"],
    });
    let ready = false;
    let buffered = "";
    child.stdout?.on("data", (chunk: Buffer) => {
      buffered += chunk.toString();
      const lines = buffered.split("\n");
      buffered = lines.pop() ?? "";
      for (const line of lines) {
        if (line === "ready") ready = true;
        else if (line.startsWith("handled ")) handledByChild.add(line.slice(8));
      }
    });
    await waitFor(() => ready, "child consumer ready", 20_000);

    // XPENDING's summary lists pending entries per consumer; the child's names start with "child-".
    const childPending = async (): Promise<number> => {
      const summary = (await (admin as Redis).xpending(`${prefix}:events`, group)) as [
        number,
        string,
        string,
        Array<[string, string]> | null,
      ];
      return (summary[3] ?? []).filter(([name]) => name.startsWith("child-")).reduce((sum, [, n]) => sum + Number(n), 0);
    };
    // Unread entries of the group (Redis 7 XINFO GROUPS "lag").
    const groupLag = async (): Promise<number> => {
      const info = (await (admin as Redis).xinfo("GROUPS", `${prefix}:events`)) as unknown[][];
      const row = info.find((r) => r[r.indexOf("name") + 1] === group) ?? [];
      return Number(row[row.indexOf("lag") + 1] ?? 0);
    };
    const published: Envelope[] = [];
    const total = 2_000;
    let killed = false;
    // Keep publishing until the child was killed mid-stream, and at least `total` envelopes. Each
    // batch waits for the group to have read the previous one: paced by the consumers, not by a
    // timer, so the child keeps being offered entries however slowly it is scheduled.
    const deadline = Date.now() + 30_000;
    for (let i = 0; i < total || !killed; i += 50) {
      if (Date.now() > deadline) throw new Error(`the child never held pending entries: it handled ${handledByChild.size}`);
      const batch = Array.from({ length: 50 }, (_, k) => createEnvelope(`work.item.${(i + k) % 7}`, { n: i + k }, "publisher"));
      published.push(...batch);
      await publisher.publish(batch);
      if (!killed && handledByChild.size >= 30 && (await childPending()) > 0) {
        child.kill("SIGKILL");
        killed = true;
      }
      await waitFor(async () => (await groupLag()) === 0, "the group to read the last batch", 10_000);
    }
    expect(killed).toBe(true);
    await waitFor(() => child?.signalCode === "SIGKILL", "child to die");

    const everyone = () => published.every((e) => handledBySurvivor.has(e.id) || handledByChild.has(e.id));
    await waitFor(everyone, "every published envelope handled by some member", 20_000, 20);
    const stream = `${prefix}:events`;
    await waitFor(async () => (await pendingCount(admin as Redis, stream, group)) === 0, "no entry left pending", 10_000, 20);
    const info = (await admin.xinfo("GROUPS", stream)) as unknown[][];
    const row = info.find((r) => r[r.indexOf("name") + 1] === group) ?? [];
    expect(Number(row[row.indexOf("lag") + 1])).toBe(0);

    const stats = survivor.stats().details.groups;
    expect(handledByChild.size).toBeGreaterThan(0);
    // The kill left entries pending on the dead consumer; the survivor took them over.
    expect(stats[group]?.reclaimed).toBeGreaterThan(0);
    expect(stats[group]?.deadLettered).toBe(0);
    expect(await admin.xlen(`${prefix}:dead`)).toBe(0);
  }, 60_000);
});
