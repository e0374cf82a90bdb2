import { readdir, readFile } from "node:fs/promises";
import { describe, expect, it } from "vitest";
import { BUILTIN_DIALECTS } from "../../../../src/actors/monitors/analysis/integration/dialect.js";
import analyse from "../../../../src/actors/monitors/analysis/integration/worker.js";
import { bindServes, endpointAddress } from "../../../../src/actors/monitors/integration/endpoint-address.js";
import { IntegrationIndex } from "../../../../src/actors/monitors/integration/integration-index.js";
import { topicMatches } from "../../../../src/actors/monitors/integration/topic-pattern.js";
import { PLANTED_FINDINGS } from "./planted-findings.js";

const root = new URL("../../../fixtures/monitors/integration/", import.meta.url);

async function indexOf(language: "python" | "typescript"): Promise<IntegrationIndex> {
  const index = new IntegrationIndex();
  for (const name of await readdir(new URL(language, root))) {
    const path = `${language}/${name}`;
    index.set(path, await analyse({ path, content: await readFile(new URL(path, root), "utf8"), dialects: [...BUILTIN_DIALECTS] }));
  }
  return index;
}

const summary = (index: IntegrationIndex) =>
  index
    .findings()
    .map((finding) => `${finding.kind} ${finding.subject}`)
    .sort();
describe("the integration index over planted trees", () => {
  for (const language of ["python", "typescript"] as const) {
    it(`raises every finding kind in the ${language} tree, and none for a matched wildcard, a produced and consumed topic or a port from an environment default`, async () => {
      const index = await indexOf(language);
      expect(summary(index)).toEqual(PLANTED_FINDINGS);
      const findings = index.findings();
      for (const finding of findings) {
        expect(finding.evidence.length).toBeGreaterThan(0);
        expect(finding.question).toMatch(/\?$/);
        expect(["low", "medium", "high"]).toContain(finding.severity);
      }
      const conflict = findings.find((finding) => finding.kind === "endpoint-conflict")!;
      expect(conflict.evidence.map((item) => item.file).sort()).toEqual([
        `${language}/admin.${language === "python" ? "py" : "js"}`,
        `${language}/consumer.${language === "python" ? "py" : "ts"}`,
      ]);
      const orphan = findings.find((finding) => finding.kind === "orphaned-topic")!;
      expect(orphan.evidence).toEqual([
        { file: `${language}/producer.${language === "python" ? "py" : "ts"}`, line: language === "python" ? 20 : 17 },
      ]);
      expect(orphan.question).toContain("billing.invoice");
    });
  }

  it("updates per changed file: a new subscriber resolves an orphan, deleting it brings the orphan back, ids stay stable", async () => {
    const index = await indexOf("python");
    const before = index.findings();
    const orphan = before.find((finding) => finding.kind === "orphaned-topic")!;
    index.set(
      "python/billing.py",
      await analyse({ path: "python/billing.py", content: "bus.subscribe('billing.>', handler)\n", dialects: [...BUILTIN_DIALECTS] }),
    );
    expect(summary(index)).not.toContain("orphaned-topic billing.invoice");
    index.delete("python/billing.py");
    expect(
      index
        .findings()
        .map((finding) => finding.id)
        .sort(),
    ).toEqual(before.map((finding) => finding.id).sort());
    expect(index.findings().find((finding) => finding.kind === "orphaned-topic")!.id).toBe(orphan.id);
    // Replacing a file's facts replaces its contribution (no double count of its old sites).
    const path = "python/producer.py";
    const facts = await analyse({ path, content: await readFile(new URL(path, root), "utf8"), dialects: [...BUILTIN_DIALECTS] });
    index.set(path, facts);
    index.set(path, facts);
    expect(index.findings().find((finding) => finding.kind === "orphaned-topic")!.evidence).toHaveLength(1);
    for (const name of await readdir(new URL("python", root))) index.delete(`python/${name}`);
    expect(index.findings()).toEqual([]);
    expect(index.unresolvedCount()).toBe(0);
  });

  it("sees attributes assigned by a base class in another file, and a queue drained from outside its class", async () => {
    const index = new IntegrationIndex();
    const facts = (path: string, content: string) => analyse({ path, content, dialects: [...BUILTIN_DIALECTS] });
    index.set(
      "child.py",
      await facts("child.py", "class Child(Base):\n    def go(self):\n        self.client.send()\n        self.jobs.append(1)\n"),
    );
    expect(summary(index)).toEqual(["undrained-queue Child.jobs"]); // Base unknown: attributes not judged
    index.set("base.py", await facts("base.py", "class Base:\n    def __init__(self):\n        self.client = make()\n"));
    expect(summary(index)).toEqual(["undrained-queue Child.jobs"]);
    index.set("runner.ts", await facts("runner.ts", "while (worker.jobs.length) handle(worker.jobs.shift());\n"));
    expect(summary(index)).toEqual([]);
  });
});

describe("topic and endpoint matching", () => {
  it("matches wildcards, prefixes and globs", () => {
    expect(topicMatches("orders.*", "wildcard", "orders.created")).toBe(true);
    expect(topicMatches("orders.*", "wildcard", "orders.created.eu")).toBe(false);
    expect(topicMatches("orders.>", "wildcard", "orders.created.eu")).toBe(true);
    expect(topicMatches("orders.>", "wildcard", "orders")).toBe(false);
    expect(topicMatches("*.created", "wildcard", "orders.created")).toBe(true);
    expect(topicMatches("audit", "prefix", "audit.login")).toBe(true);
    expect(topicMatches("", "prefix", "anything")).toBe(true);
    expect(topicMatches("news.*", "glob", "news.eu.sport")).toBe(true);
    expect(topicMatches("news.?", "glob", "news.eu")).toBe(false);
  });

  it("treats every interface and the loopback names as one port", () => {
    const star = endpointAddress("tcp://*:5556");
    expect(bindServes(star, endpointAddress("tcp://127.0.0.1:5556"))).toBe(true);
    expect(bindServes(star, endpointAddress("tcp://localhost:5556"))).toBe(true);
    expect(bindServes(endpointAddress("tcp://localhost:5556"), endpointAddress("tcp://[::1]:5556"))).toBe(true);
    expect(bindServes(endpointAddress("tcp://10.0.0.2:5556"), endpointAddress("tcp://localhost:5556"))).toBe(false);
    expect(bindServes(star, endpointAddress("tcp://localhost:5557"))).toBe(false);
    expect(bindServes(endpointAddress("ipc:///tmp/a"), endpointAddress("ipc:///tmp/a"))).toBe(true);
  });

  it("does not ask who binds a Redis server: the code only connects to it", () => {
    const index = new IntegrationIndex();
    const facts = (endpoint: string) => ({
      language: "python" as const,
      messages: [],
      endpoints: [{ role: "connect" as const, endpoint, dialect: "redis", line: 3 }],
      unresolved: [],
      constants: [],
      classes: [],
      foreignReads: [],
      syntaxErrors: [],
    });
    index.set("a.py", facts("redis://cache:6379/0"));
    index.set("b.py", facts("rediss://secure:6380"));
    expect(index.findings()).toEqual([]);
    index.set("c.py", facts("tcp://localhost:7000"));
    expect(summary(index)).toEqual(["unbound-endpoint tcp://localhost:7000"]);
  });
});
