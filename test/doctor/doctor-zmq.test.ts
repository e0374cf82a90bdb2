import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { silentLogger } from "../../src/common/logger.js";
import { runDoctor, type DoctorCheckResult } from "../../src/doctor/run-doctor.js";
import { startTestProxy, type TestProxy } from "../conformance/zmq-proxy-kit.js";
import { BROKEN_CONTRACT, DoctorScratch, configYaml, silentTcpServer, unusedPort } from "./doctor-fixtures.js";

const log = silentLogger();

function byName(results: readonly DoctorCheckResult[], name: string): DoctorCheckResult {
  const found = results.find((result) => result.name === name);
  if (!found) throw new Error(`no "${name}" check`);
  return found;
}

describe("runDoctor on the zmq transport", () => {
  let scratch: DoctorScratch;
  const cleanups: Array<() => Promise<void>> = [];

  beforeEach(async () => {
    scratch = await DoctorScratch.create();
  });

  afterEach(async () => {
    await Promise.all(cleanups.splice(0).map((cleanup) => cleanup()));
    await scratch.dispose();
  });

  it("passes with a running proxy: endpoints reachable and a message makes the round trip", async () => {
    const proxy: TestProxy = await startTestProxy();
    cleanups.push(() => proxy.stop());
    const configPath = await scratch.config(configYaml(`{ kind: zmq, xsub: "${proxy.xsub}", xpub: "${proxy.xpub}" }`));
    const { results, exitCode } = await runDoctor({ configPath, log });
    expect(results.filter((result) => !result.ok)).toEqual([]);
    expect(exitCode).toBe(0);
    expect(byName(results, "transport").detail).toMatch(/zmq proxy endpoints accept connections/);
    expect(byName(results, "consumer group")).toMatchObject({ skipped: true });
    expect(byName(results, "round trip").detail).toMatch(/published and received _doctor\.[0-9a-f]+ through the zmq proxy/);
  });

  it("exits 1 asking whether the proxy is running when nothing listens on its endpoints", async () => {
    const xsub = `tcp://127.0.0.1:${await unusedPort()}`;
    const xpub = `tcp://127.0.0.1:${await unusedPort()}`;
    const configPath = await scratch.config(configYaml(`{ kind: zmq, xsub: "${xsub}", xpub: "${xpub}" }`));
    const { results, exitCode } = await runDoctor({ configPath, log });
    expect(exitCode).toBe(1);
    const transport = byName(results, "transport");
    expect(transport.detail).toContain(`xsub ${xsub}: connection refused`);
    expect(transport.detail).toContain(`xpub ${xpub}: connection refused`);
    expect(transport.fix).toBe(
      `is the proxy running? plexus start -c ${configPath} (its proxy child binds these endpoints), or fix transport.xsub/xpub`,
    );
    expect(byName(results, "round trip")).toMatchObject({ skipped: true });
  });

  it("exits 2, before the contracts' 4, when the endpoints accept connections but no proxy forwards", async () => {
    const xsubServer = await silentTcpServer();
    const xpubServer = await silentTcpServer();
    cleanups.push(
      () => xsubServer.close(),
      () => xpubServer.close(),
    );
    await scratch.contracts({ "broken.json": BROKEN_CONTRACT });
    const transport = `{ kind: zmq, xsub: "tcp://127.0.0.1:${xsubServer.port}", xpub: "tcp://127.0.0.1:${xpubServer.port}" }`;
    const configPath = await scratch.config(configYaml(transport, "contracts: { dir: contracts, mode: enforce }"));
    const { results, exitCode } = await runDoctor({ configPath, log, roundTripTimeoutMs: 1_500 });
    expect(byName(results, "transport").ok).toBe(true);
    const roundTrip = byName(results, "round trip");
    expect(roundTrip.ok).toBe(false);
    expect(roundTrip.detail).toMatch(/did not finish within 1500 ms/);
    expect(roundTrip.fix).toMatch(/is the proxy running and forwarding\?/);
    expect(byName(results, "contracts").ok).toBe(false);
    expect(exitCode).toBe(2);
  });
});
