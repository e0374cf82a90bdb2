import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { loadConfig } from "../../src/runtime/config/load-config.js";
import type { ResolvedConfig } from "../../src/runtime/config/plexus-config.js";
import { silentLogger } from "../../src/common/logger.js";
import type { Envelope } from "../../src/transports/envelope.js";
import { openDirectBus, type DirectBus } from "../../src/runtime/direct-bus.js";
import { startTestProxy, type TestProxy } from "../conformance/zmq-proxy-kit.js";
import { waitFor } from "../helpers/wait.js";

const log = silentLogger();

describe("openDirectBus on zmq: two direct clients through a proxy", () => {
  let proxy: TestProxy;
  let config: ResolvedConfig;
  const clients: DirectBus[] = [];

  const open = async (name: string): Promise<DirectBus> => {
    const client = await openDirectBus(config, { log, name });
    clients.push(client);
    return client;
  };

  beforeEach(async () => {
    proxy = await startTestProxy();
    config = await loadConfig(
      {
        runtime: { name: "direct-zmq", ops: { enabled: false } },
        transport: { kind: "zmq", xsub: proxy.xsub, xpub: proxy.xpub },
        children: [],
      },
      { kinds: new Map() },
    );
  });

  afterEach(async () => {
    await Promise.all(clients.splice(0).map((client) => client.close()));
    await proxy.stop();
  });

  it("delivers what a short-lived publisher sends before it closes (plexus pub, then exit)", async () => {
    const sub = await open("plexus-sub");
    const received: Envelope[] = [];
    await sub.bus.subscribe("cli.chem.>", (envelope) => void received.push(envelope));
    const pub = await openDirectBus(config, { log, name: "plexus-pub" });
    for (let n = 1; n <= 3; n++) await pub.bus.publish(`cli.chem.signal`, { n });
    await pub.bus.publish("cli.other", { n: 99 });
    await pub.close();
    await waitFor(() => received.length >= 3, "the three messages of the closed publisher");
    expect(received.map((envelope) => envelope.payload)).toEqual([{ n: 1 }, { n: 2 }, { n: 3 }]);
    expect(received.every((envelope) => envelope.source === "plexus-pub" && envelope.topic === "cli.chem.signal")).toBe(true);
  });

  it("shares a --group among the subscriptions of one client, and a second client gets everything", async () => {
    const grouped = await open("grouped");
    const other = await open("other");
    const pub = await open("pub");
    const members: number[][] = [[], []];
    const everything: number[] = [];
    const seq = (envelope: Envelope) => (envelope.payload as { seq: number }).seq;
    await grouped.bus.subscribe("cli.jobs", (envelope) => void members[0]?.push(seq(envelope)), { group: "workers" });
    await grouped.bus.subscribe("cli.jobs", (envelope) => void members[1]?.push(seq(envelope)), { group: "workers" });
    await other.bus.subscribe("cli.jobs", (envelope) => void everything.push(seq(envelope)), { group: "workers" });
    for (let n = 0; n < 20; n++) await pub.bus.publish("cli.jobs", { seq: n });
    await waitFor(() => everything.length >= 20 && (members[0]?.length ?? 0) + (members[1]?.length ?? 0) >= 20, "20 jobs in both clients");
    expect([...(members[0] ?? []), ...(members[1] ?? [])].sort((a, b) => a - b)).toEqual(everything);
    expect(everything).toEqual(Array.from({ length: 20 }, (_, n) => n));
  });
});
