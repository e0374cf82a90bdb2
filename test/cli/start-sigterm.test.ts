import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { createServer, type AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { waitFor } from "../helpers/wait.js";
import { startCli } from "./cli-process.js";

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "plexus-sigterm-"));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Lifecycle lines (`<path> <state>`) from the runtime's JSON log, in order. */
function lifecycle(stderr: string): Array<{ actor: string; state: string }> {
  return stderr
    .split("\n")
    .filter((line) => line.startsWith("{"))
    .map((line) => JSON.parse(line) as { actor?: string; state?: string })
    .filter((entry): entry is { actor: string; state: string } => typeof entry.actor === "string" && typeof entry.state === "string");
}

describe("plexus start and SIGTERM", () => {
  it("stops the tree in reverse start order within the shutdown budgets and exits 0", async () => {
    const file = join(dir, "tree.yaml");
    await writeFile(
      file,
      `runtime: { name: sigterm, ops: { port: 0 }, stateDir: ${JSON.stringify(join(dir, "state"))} }
children:
  - { id: first, kind: heartbeat, shutdown: 2s, options: { everyMs: 1000 } }
  - id: group
    supervisor: { strategy: rest_for_one }
    children:
      - { id: second, kind: heartbeat, shutdown: 2s, options: { everyMs: 1000 } }
      - { id: third, kind: heartbeat, shutdown: 2s, options: { everyMs: 1000 } }
`,
    );
    const cli = startCli(["start", "-c", file], { env: { PLEXUS_LOG_LEVEL: "debug" } });
    await waitFor(() => cli.stderr().includes('"msg":"runtime running"'), "the runtime to run", 15_000);
    const workers = (state: string) =>
      lifecycle(cli.stderr())
        .filter((entry) => entry.state === state && entry.actor.split("/").length > 1 && entry.actor !== "root/group")
        .map((entry) => entry.actor);
    expect(workers("running")).toEqual(["root/first", "root/group/second", "root/group/third"]);

    cli.child.kill("SIGTERM");
    expect(await cli.exited).toBe(0);
    // Within the budgets: each actor stopped by itself, none was killed at its 2 s shutdown limit.
    // Read from the runtime's own log once the process is gone (the whole log is in), rather than
    // comparing wall-clock time to a threshold that a loaded machine can miss.
    expect(workers("stopped")).toEqual(["root/group/third", "root/group/second", "root/first"]);
    expect(workers("failed")).toEqual([]);
    expect(cli.stderr()).not.toContain("killed after shutdownMs");
    expect(cli.stderr()).toContain('"msg":"runtime stopped"');
  });

  it("exits 70 at once, naming the endpoint and its holder, when the proxy's port is taken (no crash loop)", async () => {
    const holder = createServer();
    await new Promise<void>((resolve) => holder.listen(0, "127.0.0.1", resolve));
    const taken = (holder.address() as AddressInfo).port;
    try {
      const file = join(dir, "taken.yaml");
      await writeFile(
        file,
        `runtime: { name: taken, ops: { enabled: false }, stateDir: ${JSON.stringify(join(dir, "state"))} }
children:
  - { id: proxy, kind: proxy, options: { xsub: "tcp://127.0.0.1:${taken}", xpub: "tcp://127.0.0.1:0" } }
`,
      );
      const cli = startCli(["start", "-c", file]);
      expect(await cli.exited).toBe(70);
      const stderr = cli.stderr();
      expect(stderr).toContain(`tcp://127.0.0.1:${taken}`);
      expect(stderr).toContain(`pid ${process.pid}`);
      // Non-retryable: the supervisor escalated at once instead of burning its restart budget.
      expect(stderr).not.toMatch(/restarting \(restart 1\)/);
    } finally {
      holder.close();
    }
  });
});
