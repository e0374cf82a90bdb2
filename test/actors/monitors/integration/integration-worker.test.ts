import { readFile } from "node:fs/promises";
import { describe, expect, it } from "vitest";
import { BUILTIN_DIALECTS, selectDialects, type Dialect } from "../../../../src/actors/monitors/analysis/integration/dialect.js";
import type { IntegrationFacts } from "../../../../src/actors/monitors/analysis/integration/integration-facts.js";
import { isIntegrationFacts } from "../../../../src/actors/monitors/analysis/integration/integration-facts.js";
import analyse from "../../../../src/actors/monitors/analysis/integration/worker.js";

const fixture = (path: string): URL => new URL(`../../../fixtures/monitors/integration/${path}`, import.meta.url);

async function factsOf(path: string, dialects: readonly Dialect[] = BUILTIN_DIALECTS): Promise<IntegrationFacts> {
  return analyse({ path, content: await readFile(fixture(path), "utf8"), dialects: [...dialects] });
}

const inline = (path: string, content: string, dialects: readonly Dialect[] = BUILTIN_DIALECTS): Promise<IntegrationFacts> =>
  analyse({ path, content, dialects: [...dialects] });

const messages = (facts: IntegrationFacts) => facts.messages.map((m) => `${m.role} ${m.topic} ${m.match} ${m.dialect}:${m.line}`);
const endpoints = (facts: IntegrationFacts) => facts.endpoints.map((e) => `${e.role} ${e.endpoint}:${e.line}`);

describe("the integration worker (no threads)", () => {
  for (const [language, producer, consumer] of [
    ["Python", "python/producer.py", "python/consumer.py"],
    ["TypeScript", "typescript/producer.ts", "typescript/consumer.ts"],
  ] as const) {
    it(`finds a ${language} file's publishes, binds and class attributes, resolving constants, template strings and environment defaults`, async () => {
      const facts = await factsOf(producer);
      expect(isIntegrationFacts(facts)).toBe(true);
      const lines = language === "Python" ? [19, 20, 21, 22, 14] : [16, 17, 18, 19, 15];
      expect(messages(facts)).toEqual([
        `publish orders.created exact plexus:${lines[0]}`,
        `publish billing.invoice exact plexus:${lines[1]}`,
        `publish inventory.updated exact plexus:${lines[2]}`,
        `publish audit.login exact zmq:${lines[3]}`,
      ]);
      // The port comes from the default of an environment read.
      expect(endpoints(facts)).toEqual([`bind tcp://*:5556:${lines[4]}`]);
      expect(facts.constants).toEqual(expect.arrayContaining(["ORDERS", "PORT"]));
      expect(facts.unresolved).toEqual([]);
      const [producerClass] = facts.classes;
      expect(producerClass).toMatchObject({ name: "Producer", bases: [], dynamic: false });
      expect(producerClass!.assigned).toEqual(expect.arrayContaining(["bus", "sock", "pending", "outbox"]));
      expect(producerClass!.assigned).not.toContain("cache");
      expect(producerClass!.used.map((use) => use.attr)).toContain("cache");
      expect(producerClass!.pushed.map((push) => push.attr).sort()).toEqual(["outbox", "pending"]);
      expect(producerClass!.read).toContain("outbox");
      expect(producerClass!.read).not.toContain("pending");
    });

    it(`finds a ${language} file's subscriptions (plexus wildcard, ZeroMQ prefix) and connects`, async () => {
      const facts = await factsOf(consumer);
      expect(messages(facts).map((text) => text.replace(/:\d+$/, ""))).toEqual([
        "subscribe audit prefix zmq",
        "subscribe orders.* wildcard plexus",
        "subscribe inventory.updated wildcard plexus",
        "subscribe shipments.sent wildcard plexus",
      ]);
      expect(endpoints(facts).map((text) => text.replace(/:\d+$/, ""))).toEqual([
        "connect tcp://localhost:5556",
        "connect tcp://127.0.0.1:5999",
        "bind tcp://*:6000",
      ]);
    });

    it(`parses what it can of a ${language} file with syntax errors and says where they are`, async () => {
      const facts = await factsOf(language === "Python" ? "python/broken.py" : "typescript/broken.ts");
      expect(facts.syntaxErrors.length).toBeGreaterThan(0);
      expect(facts.messages).toContainEqual(expect.objectContaining({ role: "publish", topic: "orders.created" }));
    });
  }

  it("parses JavaScript with JSX through the TSX grammar", async () => {
    const facts = await factsOf("typescript/admin.js");
    expect(facts.syntaxErrors).toEqual([]);
    expect(endpoints(facts)).toEqual(["bind tcp://0.0.0.0:6000:7"]);
  });

  it("knows the chembus, redis and generic dialects, and counts what it cannot resolve", async () => {
    const python = await inline(
      "wires.py",
      [
        "pub = ChemPub('lab')",
        "pub.emit('spectra.ready', data)",
        "ChemSub(topic='spectra.*', handler=on_spectra)",
        "UMNSub('umn.status', cb)",
        "r.xadd('jobs', {'a': 1})",
        "r.xreadgroup('workers', 'w1', {'jobs': '>', 'results': '>'})",
        "redis.psubscribe('news.*')",
        "bus.publish(topic_from_somewhere, {})",
        "emitter.on('error', fail)",
      ].join("\n"),
    );
    expect(messages(python)).toEqual([
      "publish spectra.ready exact chembus:2",
      "subscribe spectra.* wildcard chembus:3",
      "subscribe umn.status wildcard chembus:4",
      "publish jobs exact redis:5",
      "subscribe jobs exact redis:6",
      "subscribe results exact redis:6",
      "subscribe news.* glob redis:7",
    ]);
    expect(python.unresolved).toEqual([{ role: "publish", dialect: "plexus", line: 8 }]);

    const typescript = await inline(
      "wires.ts",
      [
        'await redis.xreadgroup("GROUP", "workers", consumer, "COUNT", 10, "STREAMS", "jobs", ">");',
        'emitter.emit("job.done", result);',
        'emitter.on("job.done", onDone);',
        'process.on("exit", cleanup);',
        "const topic = `orders.${kind}`;",
        "await bus.publish(topic, {});",
      ].join("\n"),
    );
    expect(messages(typescript)).toEqual([
      "subscribe jobs exact redis:1",
      "publish job.done exact generic:2",
      "subscribe job.done exact generic:3",
    ]);
    expect(typescript.unresolved).toEqual([{ role: "publish", dialect: "plexus", line: 6 }]);
  });

  it("reads the Redis server a client connects to from a URL, and nothing from a host or port alone", async () => {
    const python = await inline(
      "clients.py",
      [
        'URL = os.getenv("REDIS_URL", "redis://cache:6379/1")',
        "a = redis.Redis.from_url(URL)",
        'b = redis.from_url("rediss://secure:6380")',
        'c = redis.Redis(host="cache", port=6379)',
        'd = redis.Redis("cache")',
      ].join("\n"),
    );
    expect(endpoints(python)).toEqual(["connect redis://cache:6379/1:2", "connect rediss://secure:6380:3"]);
    expect(python.unresolved).toEqual([]);
    const typescript = await inline(
      "clients.ts",
      [
        'const a = new Redis(process.env.REDIS_URL ?? "redis://127.0.0.1:6379");',
        "const b = new Redis(6379);",
        'const c = new Redis({ host: "cache" });',
      ].join("\n"),
    );
    expect(endpoints(typescript)).toEqual(["connect redis://127.0.0.1:6379:1"]);
    expect(typescript.unresolved).toEqual([]);
  });

  it("resolves `||` and `or` environment defaults, concatenation and nested constants, and leaves other reads unresolved", async () => {
    const python = await inline(
      "env.py",
      [
        "import os",
        'BASE = os.environ.get("BASE") or "jobs"',
        'TOPIC = BASE + ".done"',
        "bus.publish(TOPIC, {})",
        'bus.publish(os.environ["STRICT"], {})',
        "bus.publish(f\"{BASE}.{os.getenv('KIND', default='x')}\", {})",
      ].join("\n"),
    );
    expect(messages(python)).toEqual(["publish jobs.done exact plexus:4", "publish jobs.x exact plexus:6"]);
    expect(python.unresolved).toEqual([{ role: "publish", dialect: "plexus", line: 5 }]);
    const typescript = await inline(
      "env.ts",
      [
        'const BASE = process.env["BASE"] || "jobs";',
        "export const TOPIC = `${BASE}.done` as const;",
        "await ctx.bus.publish(TOPIC, {});",
        "await ctx.bus.publish(config.topic, {});",
      ].join("\n"),
    );
    expect(messages(typescript)).toEqual(["publish jobs.done exact plexus:3"]);
    expect(typescript.unresolved).toEqual([{ role: "publish", dialect: "plexus", line: 4 }]);
  });

  it("uses only the dialects it is given, and custom ones", async () => {
    const custom: Dialect = {
      name: "lab",
      rules: [
        { call: "announce", role: "publish", arg: 1 },
        { call: "listen", role: "subscribe", keyword: "channel" },
      ],
    };
    const dialects = selectDialects(["lab", "zmq"], [custom]);
    if ("error" in dialects) throw new Error(dialects.error);
    const facts = await inline(
      "lab.py",
      "bus.publish('ignored')\nhub.announce(1, 'lab.sample')\nhub.listen(channel='lab.sample')\n",
      dialects,
    );
    expect(messages(facts)).toEqual(["publish lab.sample exact lab:2", "subscribe lab.sample wildcard lab:3"]);
    expect(selectDialects(["plexus", "nope"], [])).toEqual({ error: expect.stringMatching(/unknown dialect "nope"/) });
  });

  it("sees attributes declared by class fields, parameter properties, tuple targets and bases, and dynamic classes", async () => {
    const python = await inline(
      "classes.py",
      [
        "class Base:",
        "    limit: int = 3",
        "class Child(mod.Base, Generic[T], metaclass=Meta):",
        "    def __init__(self):",
        "        self.a, self.b = 1, 2",
        "        setattr(self, 'c', 3)",
        "        self.q.put_nowait(1)",
        "        for item in self.r: pass",
      ].join("\n"),
    );
    expect(python.classes[1]).toMatchObject({ name: "Child", bases: ["Base", "Generic"], dynamic: true });
    expect(python.classes[1]!.assigned).toEqual(expect.arrayContaining(["a", "b", "__init__"]));
    expect(python.classes[1]!.pushed).toEqual([{ attr: "q", line: 7 }]);
    expect(python.classes[1]!.read).toEqual(["r"]);

    const typescript = await inline(
      "classes.ts",
      "class A extends B<T> {\n  #hidden = 1;\n  constructor(private readonly bus: Bus, plain: number) { super(); }\n  go() { this.#hidden.toFixed(); worker.queue.pop(); }\n}",
    );
    expect(typescript.classes[0]).toMatchObject({ name: "A", bases: ["B"] });
    expect(typescript.classes[0]!.assigned).toEqual(expect.arrayContaining(["#hidden", "bus", "go"]));
    expect(typescript.classes[0]!.assigned).not.toContain("plain");
    expect(typescript.foreignReads).toContain("queue");
  });

  it("refuses a file of another language with a clear error", async () => {
    await expect(inline("notes.txt", "hello")).rejects.toThrow(/not a Python, TypeScript or JavaScript file/);
  });
});
