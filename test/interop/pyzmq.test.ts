import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import { silentLogger } from "../../src/common/logger.js";
import { MessageBus } from "../../src/transports/bus/message-bus.js";
import { createEnvelope, type Envelope } from "../../src/transports/envelope.js";
import { servicesRequired } from "../helpers/services.js";
import { waitFor } from "../helpers/wait.js";
import { collector, openTransport, startProxy, zmqConfig } from "../transports/zmq/kit.js";

// Debian's interpreter: the pyenv python3 first on PATH has no zmq module.
const PYTHON = "/usr/bin/python3";
const here = dirname(fileURLToPath(import.meta.url));

function pyzmqAvailable(): boolean {
  const probe = spawnSync(PYTHON, ["-c", "import zmq"], { encoding: "utf8" });
  if (probe.status === 0) return true;
  const why = probe.error !== undefined ? String(probe.error) : probe.stderr.trim().split("\n").at(-1);
  const message = `pyzmq is not importable by ${PYTHON} (${why}); install it with: apt-get install -y python3-zmq`;
  if (servicesRequired) throw new Error(`${message} (PLEXUS_REQUIRE_SERVICES=1)`);
  console.warn(`\n!!! SKIPPING pyzmq interop tests: ${message}. Set PLEXUS_REQUIRE_SERVICES=1 to make this a failure.\n`);
  return false;
}

const hasPyzmq = pyzmqAvailable();

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function python(
  script: string,
  args: string[],
): { child: ChildProcessWithoutNullStreams; lines: Array<Record<string, unknown>>; stderr: () => string } {
  const child = spawn(PYTHON, [join(here, script), ...args]);
  const lines: Array<Record<string, unknown>> = [];
  let buffered = "";
  let errors = "";
  child.stdout.on("data", (chunk: Buffer) => {
    buffered += chunk.toString();
    let newline: number;
    while ((newline = buffered.indexOf("\n")) >= 0) {
      lines.push(JSON.parse(buffered.slice(0, newline)) as Record<string, unknown>);
      buffered = buffered.slice(newline + 1);
    }
  });
  child.stderr.on("data", (chunk: Buffer) => (errors += chunk.toString()));
  cleanups.push(() => {
    if (child.exitCode === null) child.kill();
  });
  return { child, lines, stderr: () => errors };
}

describe.skipIf(!hasPyzmq)("pyzmq interop through the plexus proxy", () => {
  it("delivers a pyzmq publisher's [topic, json] to a plexus subscriber as wrapped envelopes", async () => {
    const { proxy, xsub, xpub } = await startProxy();
    cleanups.push(() => proxy.stop());
    const transport = await openTransport(zmqConfig({ xsub, xpub }));
    cleanups.push(() => transport.close());
    const { received, deliver } = collector();
    await transport.subscribe({ pattern: "chem.*", subscriber: "plexus" }, deliver);
    const publisher = python("pyzmq_publisher.py", [xsub, "chem.signal"]);
    await waitFor(
      () => received.length >= 5,
      () => `5 messages from pyzmq (stderr: ${publisher.stderr()})`,
      10_000,
    );
    publisher.child.stdin.end();
    const first = received[0] as Envelope;
    expect(first.topic).toBe("chem.signal");
    expect(first.source).toBe("external");
    expect(first.payload).toMatchObject({ from: "pyzmq" });
    const seqs = received.map((e) => (e.payload as { seq: number }).seq);
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b)); // in order
  });

  it("delivers plexus envelopes to a pyzmq subscriber as exactly [topic, json]", async () => {
    const { proxy, xsub, xpub } = await startProxy();
    cleanups.push(() => proxy.stop());
    const transport = await openTransport(zmqConfig({ xsub, xpub }));
    cleanups.push(() => transport.close());
    const subscriber = python("pyzmq_subscriber.py", [xpub, "orders.", "3"]);
    await waitFor(() => subscriber.lines.length > 0, "the pyzmq subscriber to start", 10_000);
    // The python side cannot tell us when its subscription reached the proxy: publish until it reads.
    let i = 0;
    await waitFor(
      async () => {
        await transport.publish([createEnvelope("orders.created", { i: i++ }, "plexus-test")]);
        return subscriber.lines.length >= 4;
      },
      () => `3 messages at the pyzmq subscriber (stderr: ${subscriber.stderr()})`,
      10_000,
      20,
    );
    for (const line of subscriber.lines.slice(1)) {
      expect(line.parts).toBe(2);
      expect(line.topic).toBe("orders.created");
      expect(line.message).toMatchObject({ topic: "orders.created", source: "plexus-test", payload: { i: expect.any(Number) } });
    }
  });

  it("dead-letters foreign frames whose topic is invalid or disagrees with their envelope's; delivers only by topic", async () => {
    const { proxy, xsub, xpub } = await startProxy();
    cleanups.push(() => proxy.stop());
    const transport = await openTransport(zmqConfig({ xsub, xpub }));
    const bus = new MessageBus({ transport, source: "plexus", log: silentLogger() });
    await bus.start();
    cleanups.push(() => bus.close());
    const delivered: Envelope[] = [];
    const dead: Envelope[] = [];
    await bus.subscribe("x.>", (envelope) => void delivered.push(envelope));
    await bus.subscribe("_dead.>", (envelope) => void dead.push(envelope));
    const hex = (text: string) => Buffer.from(text, "utf8").toString("hex");
    // An envelope that claims another topic than the frame it travels in.
    const forged = { id: "forged-1", topic: "y.other", ts: 1, source: "pyzmq", payload: { forged: true } };
    const messages = [
      [hex("x.a"), hex(JSON.stringify(forged))],
      [hex("x..bad"), hex('{"v": 1}')],
      [Buffer.from([0x78, 0x2e, 0xff, 0xfe]).toString("hex"), hex('{"v": 2}')], // "x." + invalid UTF-8
      [hex("x.ok"), hex('{"witness": true}')],
    ];
    const publisher = python("pyzmq_frames.py", [xsub, JSON.stringify(messages)]);
    // Each round sends all four in order: three witnesses mean every bad frame came at least twice.
    const witnesses = () => delivered.filter((envelope) => envelope.topic === "x.ok").length;
    const deadTopics = () => new Set(dead.map((envelope) => envelope.headers?.topic ?? envelope.topic));
    await waitFor(
      () => witnesses() >= 3,
      () => `three witnesses (stderr: ${publisher.stderr()})`,
      10_000,
    );
    // Dead letters travel back through the proxy: wait for one of each kind, then compare.
    await waitFor(
      () => deadTopics().size >= 3,
      () => `a dead letter for each bad frame (delivered topics: ${[...new Set(delivered.map((e) => e.topic))].join(", ")})`,
      10_000,
    );
    publisher.child.stdin.end();
    expect([...new Set(delivered.map((envelope) => envelope.topic))]).toEqual(["x.ok"]);
    const byTopic = (topic: string) => dead.filter((envelope) => envelope.topic === topic);
    expect(byTopic("_dead.x.a")[0]?.headers?.reason).toMatch(/envelope's own topic "y\.other" differs from its frame topic "x\.a"/);
    const invalid = byTopic("_dead._invalid-topic");
    expect(invalid.map((envelope) => envelope.headers?.topic)).toEqual(expect.arrayContaining(["x..bad", "x.\uFFFD\uFFFD"]));
    expect(invalid.find((envelope) => envelope.headers?.topic === "x..bad")?.headers?.reason).toMatch(/segment 2 is empty/);
    expect(invalid.find((envelope) => envelope.headers?.topic !== "x..bad")?.headers?.reason).toMatch(/not valid UTF-8/);
  });
});
