import { request as httpRequest, type ClientRequest } from "node:http";
import { afterEach, describe, expect, it } from "vitest";
import { silentLogger } from "../../../src/common/logger.js";
import { Metrics } from "../../../src/common/metrics.js";
import type { ActorTreeNode } from "../../../src/runtime/lifecycle-types.js";
import { startOpsServer, type OpsServer, type OpsTarget } from "../../../src/runtime/ops/server.js";
import { waitFor } from "../../helpers/wait.js";
import { TestBus } from "./test-bus.js";

const CLIENTS = 300;
const ROUNDS = 3;

const tree: ActorTreeNode = { id: "root", path: "root", type: "supervisor", kind: "one_for_one", state: "running", restarts: 0 };

function makeTarget(): { target: OpsTarget; bus: TestBus } {
  const bus = new TestBus();
  const target: OpsTarget = {
    name: "churn",
    bus,
    metrics: new Metrics(),
    log: silentLogger(),
    tree: () => tree,
    health: () => ({ ok: true, ready: true, state: "running" }),
  };
  return { target, bus };
}

const servers: OpsServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

/** Opens an SSE stream on its own socket; resolves once the server sent the response head. */
function openStream(url: string): Promise<ClientRequest> {
  return new Promise((resolve, reject) => {
    const request = httpRequest(`${url}/subscribe?pattern=churn.%3E`, { agent: false }, (response) => {
      response.resume();
      resolve(request);
    });
    request.on("error", (error) => (request.destroyed ? undefined : reject(error)));
    request.end();
  });
}

/** Starts a POST whose body never finishes, so the request is in flight when the client drops it. */
function startUnfinishedPost(url: string): ClientRequest {
  const request = httpRequest(`${url}/publish`, {
    method: "POST",
    agent: false,
    headers: { "content-type": "application/json", "content-length": "100000" },
  });
  request.on("error", () => undefined); // the test destroys it on purpose
  request.write('{"topic": "churn.x", "payload": "');
  return request;
}

describe("ops server under connection churn", () => {
  it("keeps no socket, request or stream of a client that went away (SSE clients and aborted requests)", async () => {
    const { target, bus } = makeTarget();
    const server = await startOpsServer(target, { host: "127.0.0.1", port: 0, maxBodyBytes: 1_000_000, sse: { heartbeatMs: 60_000 } });
    servers.push(server);
    const url = server.address.url;
    const peaks: Array<{ sockets: number; streams: number; requests: number }> = [];
    for (let round = 0; round < ROUNDS; round++) {
      const streams = await Promise.all(Array.from({ length: CLIENTS }, () => openStream(url)));
      const posts = Array.from({ length: CLIENTS }, () => startUnfinishedPost(url));
      await waitFor(
        () => server.stats().streams === CLIENTS && server.stats().requests === 2 * CLIENTS,
        () => `all ${CLIENTS} streams and ${CLIENTS} unfinished posts to reach the server (now ${JSON.stringify(server.stats())})`,
        10_000,
      );
      peaks.push(server.stats());
      for (const request of [...streams, ...posts]) request.destroy();
      await waitFor(
        () => {
          const { sockets, streams: open, requests } = server.stats();
          return sockets === 0 && open === 0 && requests === 0 && bus.entries.size === 0;
        },
        () =>
          `round ${round + 1}: every dropped client to be forgotten (now ${JSON.stringify(server.stats())}, bus subscriptions ${bus.entries.size})`,
        10_000,
      );
    }
    expect(peaks.every((peak) => peak.sockets === 2 * CLIENTS)).toBe(true);
    // The gauge operators scrape says the same.
    expect(await target.metrics.render()).toMatch(/^plexus_ops_connections 0$/m);
  }, 60_000);
});
