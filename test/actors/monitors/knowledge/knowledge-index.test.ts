import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { DocFacts, ModuleFacts } from "../../../../src/actors/monitors/analysis/knowledge/knowledge-facts.js";
import { KnowledgeIndex, type KnowledgeSettings } from "../../../../src/actors/monitors/knowledge/knowledge-index.js";
import { createPathFilter } from "../../../../src/actors/monitors/watch/path-filter.js";

const root = "/repo";
const at = (path: string): string => join(root, path);
const refs = (...targets: string[]) => targets.map((target, index) => ({ target, line: index + 1 }));
const doc = (links: string[] = [], files: string[] = [], symbols: string[] = []): DocFacts => ({
  language: "markdown",
  links: refs(...links),
  files: refs(...files),
  symbols: refs(...symbols),
});
const module = (symbols: string[], publicDefinitions = 0, undocumented = 0): ModuleFacts => ({
  language: "python",
  symbols,
  publicDefinitions,
  undocumented: Array.from({ length: undocumented }, (_, index) => ({ name: `f${index}`, line: index + 1 })),
  syntaxErrors: [],
});

function index(overrides: Partial<KnowledgeSettings> = {}): KnowledgeIndex {
  return new KnowledgeIndex({
    roots: [root],
    filter: createPathFilter({ include: ["**/*.{md,py,ts}"] }),
    undocumentedShare: 0.5,
    minPublicDefinitions: 3,
    indexNames: ["README.md", "index.md", "SUMMARY.md"],
    ignoreSymbols: [],
    ...overrides,
  });
}
const described = (target: KnowledgeIndex): string[] =>
  target
    .findings()
    .map((finding) => `${finding.kind} ${finding.subject}`)
    .sort();

describe("the knowledge index", () => {
  it("judges links and backticked paths against the tracked files, folders and path tails; never files the monitor does not track", async () => {
    const knowledge = index();
    knowledge.set(at("src/shop/orders.py"), module(["OrderService"]));
    knowledge.set(at("docs/README.md"), doc(["guide.md", "../src/shop/", "img/diagram.png", "/src/shop/orders.py", "gone.md"]));
    knowledge.set(at("docs/guide.md"), doc([], ["orders.py", "shop/orders.py", "src/shop/orders.py", "src/shop/missing.py", "setup.cfg"]));
    expect(described(knowledge)).toEqual(["stale-file-reference gone.md", "stale-file-reference src/shop/missing.py"]);
    const stale = knowledge.findings().find((finding) => finding.subject === "gone.md")!;
    expect(stale.evidence).toEqual([{ file: at("docs/README.md"), line: 5 }]);
  });

  it("counts a document linked only from an index (any folder's README, index.md or SUMMARY.md), not from another document", async () => {
    const knowledge = index();
    knowledge.set(at("README.md"), doc(["docs/"]));
    knowledge.set(at("docs/index.md"), doc(["a.md"]));
    knowledge.set(at("docs/a.md"), doc(["b.md"]));
    knowledge.set(at("docs/b.md"), doc());
    expect(described(knowledge)).toEqual(["unlinked-doc docs/b.md"]);
    knowledge.delete(at("docs/index.md"));
    expect(described(knowledge)).toEqual(["unlinked-doc docs/a.md", "unlinked-doc docs/b.md"]);
  });

  it("holds names against what modules define or import, built-ins and ignoreSymbols, and only once a module is tracked", async () => {
    const knowledge = index({ ignoreSymbols: ["ExternalThing"] });
    knowledge.set(at("README.md"), doc([], [], ["OrderService", "np.array", "print", "ExternalThing", "GoneService", "orders.place"]));
    expect(described(knowledge)).toEqual([]);
    knowledge.set(at("src/a.py"), module(["OrderService", "np"]));
    expect(described(knowledge)).toEqual(["stale-symbol-reference GoneService", "stale-symbol-reference orders.place"]);
    knowledge.set(at("src/b.py"), module(["place"]));
    expect(described(knowledge)).toEqual(["stale-symbol-reference GoneService"]);
  });

  it("asks about a module when more than undocumentedShare of at least minPublicDefinitions public definitions lack docs", async () => {
    const knowledge = index();
    knowledge.set(at("half.py"), module([], 4, 2));
    knowledge.set(at("most.py"), module([], 4, 3));
    knowledge.set(at("tiny.py"), module([], 2, 2));
    expect(described(knowledge)).toEqual(["undocumented-module most.py"]);
    const strict = index({ undocumentedShare: 0.25, minPublicDefinitions: 2 });
    for (const [path, facts] of [
      ["half.py", module([], 4, 2)],
      ["tiny.py", module([], 2, 2)],
      ["fine.py", module([], 4, 1)],
    ] as const)
      strict.set(at(path), facts);
    expect(described(strict)).toEqual(["undocumented-module half.py", "undocumented-module tiny.py"]);
  });

  it("updates per file: setting a file again replaces its contribution, and removing every file empties the index", async () => {
    const knowledge = index();
    const files: Array<[string, DocFacts | ModuleFacts]> = [
      [at("README.md"), doc(["docs/a.md"], ["src/x.py"], ["Thing"])],
      [at("docs/a.md"), doc(["../README.md"])],
      [at("src/x.py"), module(["Thing", "other"], 3, 3)],
    ];
    for (const [path, facts] of files) knowledge.set(path, facts);
    for (const [path, facts] of files) knowledge.set(path, facts);
    expect(knowledge.stats()).toEqual({ docs: 2, indexes: 1, modules: 1, symbols: 2 });
    expect(described(knowledge)).toEqual(["undocumented-module src/x.py"]);
    for (const [path] of files) knowledge.delete(path);
    expect(knowledge.stats()).toEqual({ docs: 0, indexes: 0, modules: 0, symbols: 0 });
    expect(knowledge.findings()).toEqual([]);
    knowledge.set(at("docs/a.md"), doc());
    expect(described(knowledge)).toEqual(["unlinked-doc docs/a.md"]);
  });
});
