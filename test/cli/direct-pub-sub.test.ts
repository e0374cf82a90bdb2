import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { REDIS_URL, redisHostPort, serviceAvailable } from "../helpers/services.js";
import { runPrefix, waitFor } from "../helpers/wait.js";
import { invokeCli, runInProcess } from "./memory-io.js";

const { host, port } = redisHostPort();
const hasRedis = await serviceAvailable("redis", host, port);

describe.skipIf(!hasRedis)("plexus pub/sub -c on a redis config (no runtime)", () => {
  const prefix = runPrefix("cli-direct");
  let dir: string;
  let file: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "plexus-cli-direct-"));
    file = join(dir, "redis.yaml");
    // A plugin kind the CLI never loaded must not stop a client command.
    await writeFile(
      file,
      `runtime: { name: cli-direct, ops: { enabled: false } }\ntransport: { kind: redis, url: "${REDIS_URL}", prefix: ${prefix}, blockMs: 100ms }\nchildren: [ { id: p, kind: some-plugin } ]\n`,
    );
  });

  afterAll(async () => {
    const redis = new Redis(REDIS_URL);
    const keys = await redis.keys(`${prefix}*`);
    if (keys.length > 0) await redis.del(...keys);
    await redis.quit();
    await rm(dir, { recursive: true, force: true });
  });

  it("sub -c prints what pub -c published, then exits on --count", async () => {
    const sub = invokeCli(["sub", "-c", file, "cli.>", "--count", "2", "--timeout", "20"]);
    await waitFor(() => sub.stderr().includes("subscribed to cli.>"), "the subscription", 10_000);
    const pub = await runInProcess(["pub", "-c", file, "cli.direct", '{"n":1}', "--count", "2"]);
    expect(pub.code).toBe(0);
    const ids = pub.stdout.trim().split("\n");
    expect(ids).toHaveLength(2);
    expect(await sub.exited).toBe(0);
    await waitFor(() => sub.stdout().trim().split("\n").length === 2, "two envelope lines");
    const envelopes = sub
      .stdout()
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line) as { id: string; topic: string; payload: unknown });
    expect(envelopes.map((envelope) => envelope.id)).toEqual(ids);
    expect(envelopes[0]).toMatchObject({ topic: "cli.direct", payload: { n: 1 } });
  });

  it("pub -c and sub -c reach a transport whose config's ops server they never use (port 0, a host without token)", async () => {
    const opsUnused = join(dir, "ops-unused.yaml");
    await writeFile(
      opsUnused,
      `runtime: { name: cli-direct, ops: { host: 0.0.0.0, port: 0 } }\ntransport: { kind: redis, url: "${REDIS_URL}", prefix: ${prefix}-ops, blockMs: 100ms }\n`,
    );
    const sub = invokeCli(["sub", "-c", opsUnused, "ops.>", "--count", "1", "--timeout", "20"]);
    await waitFor(() => sub.stderr().includes("subscribed to ops.>") || sub.stderr().includes("plexus:"), "the subscription", 10_000);
    const pub = await runInProcess(["pub", "-c", opsUnused, "ops.unused", '{"n":1}']);
    expect(pub.stderr).toBe("");
    expect(pub.code).toBe(0);
    expect(await sub.exited).toBe(0);
    await sub.flushed();
    expect(JSON.parse(sub.stdout().trim()) as { id: string }).toMatchObject({ id: pub.stdout.trim(), topic: "ops.unused" });
  });

  it("pub -c on an invalid topic exits 65 with the reason", async () => {
    const pub = await runInProcess(["pub", "-c", file, "bad..topic", "{}"]);
    expect(pub.code).toBe(65);
    expect(pub.stderr).toMatch(/bad\.\.topic/);
  });
});
