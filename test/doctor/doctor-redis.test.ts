import type { Redis } from "ioredis";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { silentLogger } from "../../src/common/logger.js";
import { runDoctor, type DoctorCheckResult } from "../../src/doctor/run-doctor.js";
import { REDIS_URL, redisHostPort, serviceAvailable } from "../helpers/services.js";
import { runPrefix } from "../helpers/wait.js";
import { adminClient, deleteKeys } from "../transports/redis/kit.js";
import { DoctorScratch, GOOD_CONTRACT, configYaml, unusedPort } from "./doctor-fixtures.js";

const { host, port } = redisHostPort();
const hasRedis = await serviceAvailable("redis", host, port);
const log = silentLogger();

function byName(results: readonly DoctorCheckResult[], name: string): DoctorCheckResult {
  const found = results.find((result) => result.name === name);
  if (!found) throw new Error(`no "${name}" check`);
  return found;
}

describe("runDoctor on an unreachable redis", () => {
  it("exits 1 with the command that starts Redis, and skips what needs it", async () => {
    const scratch = await DoctorScratch.create();
    try {
      const configPath = await scratch.config(
        configYaml(`{ kind: redis, url: "redis://127.0.0.1:${await unusedPort()}", prefix: never-used }`),
      );
      const { results, exitCode } = await runDoctor({ configPath, log });
      expect(exitCode).toBe(1);
      const transport = byName(results, "transport");
      expect(transport.ok).toBe(false);
      expect(transport.detail).toMatch(/is not reachable/);
      expect(transport.fix).toMatch(/start Redis: redis-server --daemonize yes/);
      expect(byName(results, "consumer group")).toMatchObject({ skipped: true, detail: expect.stringMatching(/not reachable/) });
      expect(byName(results, "round trip")).toMatchObject({ skipped: true });
    } finally {
      await scratch.dispose();
    }
  });
});

describe.skipIf(!hasRedis)("runDoctor on a running redis", () => {
  let admin: Redis;
  let scratch: DoctorScratch;
  let prefix: string;

  beforeAll(() => {
    admin = adminClient();
  });

  afterAll(() => {
    admin.disconnect();
  });

  beforeEach(async () => {
    scratch = await DoctorScratch.create();
    prefix = runPrefix("doctor");
  });

  afterEach(async () => {
    await deleteKeys(admin, prefix);
    await scratch.dispose();
  });

  for (const layout of ["events", "per-topic"] as const) {
    it(`passes every check and leaves no group, doctor stream or topic stream behind (layout ${layout})`, async () => {
      await scratch.contracts({ "good.json": GOOD_CONTRACT });
      const transport = `{ kind: redis, url: "${REDIS_URL}", prefix: ${prefix}, layout: ${layout}, blockMs: 200ms }`;
      const configPath = await scratch.config(configYaml(transport, "contracts: { dir: contracts, mode: enforce }"));
      const { results, exitCode } = await runDoctor({ configPath, log });
      expect(results.filter((result) => !result.ok)).toEqual([]);
      expect(exitCode).toBe(0);
      expect(byName(results, "transport").detail).toMatch(/answers PING/);
      expect(byName(results, "consumer group").detail).toMatch(
        new RegExp(`created, read and destroyed group plexus-doctor on ${prefix}:doctor:`),
      );
      expect(byName(results, "round trip").detail).toMatch(/published and received _doctor\./);
      const keys = await admin.keys(`${prefix}*`);
      expect(keys.filter((key) => key.includes(":doctor:") || key.includes(":t:_doctor."))).toEqual([]);
      // Doctor created every key it touched, so nothing of it is left (the events stream included).
      expect(keys).toEqual([]);
    });
  }

  it("keeps a pre-existing events stream and its groups, removing only its own throwaway group", async () => {
    const stream = `${prefix}:events`;
    await admin.xgroup("CREATE", stream, "someone-else", "$", "MKSTREAM");
    await admin.xadd(stream, "*", "topic", "app.thing", "envelope", "{}");
    const configPath = await scratch.config(configYaml(`{ kind: redis, url: "${REDIS_URL}", prefix: ${prefix}, blockMs: 200ms }`));
    const { exitCode } = await runDoctor({ configPath, log });
    expect(exitCode).toBe(0);
    const groups = (await admin.xinfo("GROUPS", stream)) as unknown[][];
    expect(groups.map((fields) => fields[fields.indexOf("name") + 1])).toEqual(["someone-else"]);
    expect(await admin.xlen(stream)).toBe(2); // its entry plus doctor's, which is trimmed with the rest
  });
});
