import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Redis } from "ioredis";
import { afterAll, describe, expect, it } from "vitest";
import { startCli } from "../cli/cli-process.js";
import { redisHostPort, serviceAvailable } from "../helpers/services.js";
import { runPrefix, waitFor } from "../helpers/wait.js";
import { adminClient, deleteKeys } from "../transports/redis/kit.js";
import { TcpForwarder } from "./redis-tcp-forwarder.js";

const { host, port } = redisHostPort();
const hasRedis = await serviceAvailable("redis", host, port);

const COUNT = 20_000;

/** Envelope ids written to `stream`, read back in pages. */
async function idsInStream(admin: Redis, stream: string): Promise<Set<string>> {
  const ids = new Set<string>();
  let start = "-";
  for (;;) {
    const page = (await admin.xrange(stream, start, "+", "COUNT", 5_000)) as Array<[string, string[]]>;
    for (const [, fields] of page) {
      const json = fields[fields.indexOf("envelope") + 1];
      if (json !== undefined) ids.add((JSON.parse(json) as { id: string }).id);
    }
    if (page.length < 5_000) return ids;
    start = `(${page[page.length - 1]![0]}`;
  }
}

describe.skipIf(!hasRedis)("plexus pub -c while Redis goes away (a forwarder between the CLI and Redis is cut)", () => {
  const prefix = runPrefix("cli-pub-outage");
  const admin = adminClient();
  const forwarders: TcpForwarder[] = [];
  let dir: string | undefined;

  afterAll(async () => {
    await Promise.all(forwarders.map((forwarder) => forwarder.cut()));
    await deleteKeys(admin, prefix);
    await admin.quit();
    if (dir !== undefined) await rm(dir, { recursive: true, force: true });
  });

  async function configThrough(label: string): Promise<{ file: string; stream: string; forwarder: TcpForwarder }> {
    dir ??= await mkdtemp(join(tmpdir(), "plexus-cli-outage-"));
    const forwarder = new TcpForwarder(host, port);
    forwarders.push(forwarder);
    const forwardPort = await forwarder.start();
    const file = join(dir, `${label}.yaml`);
    await writeFile(
      file,
      `runtime: { name: cli-outage, ops: { enabled: false } }\ntransport: { kind: redis, url: "redis://127.0.0.1:${forwardPort}", prefix: ${prefix}-${label} }\n`,
    );
    return { file, stream: `${prefix}-${label}:events`, forwarder };
  }

  const lines = (text: string) => text.split("\n").filter((line) => line.length > 0);

  it("waits for its outbox, then exits 75 naming how many of the printed ids were not delivered", async () => {
    const { file, stream, forwarder } = await configThrough("cut");
    const cli = startCli(["pub", "-c", file, "fault.pub", '{"n": 1}', "--count", String(COUNT), "--timeout", "1"]);
    await waitFor(
      () => lines(cli.stdout()).length >= 500,
      () => `500 ids before the cut (stderr: ${cli.stderr()})`,
      20_000,
    );
    await forwarder.cut();
    const code = await cli.exited;
    const printed = lines(cli.stdout());
    const delivered = await idsInStream(admin, stream);
    const reported = Number(/(\d+) of 20000 message\(s\) were not delivered/.exec(cli.stderr())?.[1] ?? Number.NaN);
    expect(code).toBe(75);
    // An id is printed once the envelope is in the outbox: every one of them was accepted.
    expect(printed).toHaveLength(COUNT);
    expect(delivered.size).toBeLessThan(COUNT);
    // Every printed id is either in Redis or counted; a batch cut in flight may be both.
    expect(reported).toBeGreaterThanOrEqual(COUNT - delivered.size);
    expect(reported).toBeLessThanOrEqual(COUNT - delivered.size + 1_000);
  }, 60_000);

  it("exits 0 once an outage shorter than --timeout is over, with every printed id in Redis", async () => {
    const { file, stream, forwarder } = await configThrough("restored");
    const cli = startCli(["pub", "-c", file, "fault.pub", '{"n": 2}', "--count", "5000", "--timeout", "20"]);
    await waitFor(
      () => lines(cli.stdout()).length >= 500,
      () => `500 ids before the cut (stderr: ${cli.stderr()})`,
      20_000,
    );
    await forwarder.cut();
    await waitFor(() => lines(cli.stdout()).length === 5000, "every id accepted into the outbox during the outage", 20_000);
    await forwarder.restore();
    expect(await cli.exited).toBe(0);
    const delivered = await idsInStream(admin, stream);
    expect(lines(cli.stdout()).filter((id) => !delivered.has(id))).toEqual([]);
  }, 60_000);
});
