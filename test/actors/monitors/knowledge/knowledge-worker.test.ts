import { describe, expect, it } from "vitest";
import { isKnowledgeFacts, type DocFacts, type ModuleFacts } from "../../../../src/actors/monitors/analysis/knowledge/knowledge-facts.js";
import analyse from "../../../../src/actors/monitors/analysis/knowledge/worker.js";
import { plantedKnowledgeFiles } from "./planted-tree.js";

const doc = async (content: string): Promise<DocFacts> => (await analyse({ path: "notes.md", content })) as DocFacts;
const module = async (path: string, content: string): Promise<ModuleFacts> => (await analyse({ path, content })) as ModuleFacts;
const targets = (references: DocFacts["links"]): string[] => references.map((item) => `${item.target}:${item.line}`);

describe("the knowledge worker (no threads)", () => {
  it("reads a Markdown file's relative links, backticked paths and symbol-like names, skipping URLs, anchors and code", async () => {
    const facts = await doc(
      [
        "See [a](docs/a.md#intro), ![b](img/b.png), [site](https://example.com), [top](#top) and [c](<my doc.md>).", // 1
        "[ref]: ../other/ref.md", // 2
        "Code: `src/orders.py`, `OrderService`, `place_order()`, `self.bus.publish(topic)`, `Parser`, `JSON`, `x = 1`.", // 3
        "A span is not a link: `[x](not/a/link.md)`.", // 4
        "```python", // 5
        "`HiddenName` [hidden](hidden.md)", // 6
        "```", // 7
        "[encoded](docs/with%20space.md)", // 8
      ].join("\n"),
    );
    expect(isKnowledgeFacts(facts)).toBe(true);
    expect(targets(facts.links)).toEqual(["docs/a.md:1", "img/b.png:1", "my doc.md:1", "../other/ref.md:2", "docs/with space.md:8"]);
    expect(targets(facts.files)).toEqual(["src/orders.py:3"]);
    expect(targets(facts.symbols)).toEqual(["OrderService:3", "place_order:3", "bus.publish:3"]);
  });

  for (const language of ["python", "typescript"] as const) {
    const ext = language === "python" ? "py" : "ts";
    const files = plantedKnowledgeFiles(language);
    it(`counts a ${language} module's public definitions and the undocumented ones, and lists the names it defines and imports`, async () => {
      const documented = await module(`orders.${ext}`, files[`src/orders.${ext}`]!);
      expect(isKnowledgeFacts(documented)).toBe(true);
      expect(documented).toMatchObject({ language, publicDefinitions: 3, undocumented: [], syntaxErrors: [] });
      expect(documented.symbols).toEqual(
        expect.arrayContaining(["OrderService", "place", language === "python" ? "place_order" : "placeOrder"]),
      );
      const bare = await module(`util.${ext}`, files[`src/util.${ext}`]!);
      expect(bare.publicDefinitions).toBe(3);
      expect(bare.undocumented.map((item) => item.name)).toEqual(["one", "two", "Three"]);
    });
  }

  it("leaves private definitions out and sees docs through decorators and imports", async () => {
    const python = await module(
      "m.py",
      [
        "from pkg import Thing as Alias",
        "def _private(): pass",
        "class Public:",
        "    def _hidden(self): pass",
        "    def shown(self): pass",
        "@decorated",
        "def documented():",
        '    """Yes."""',
      ].join("\n"),
    );
    expect(python.publicDefinitions).toBe(3);
    expect(python.undocumented.map((item) => item.name)).toEqual(["Public", "Public.shown"]);
    expect(python.symbols).toEqual(expect.arrayContaining(["Thing", "Alias", "pkg", "_private"]));
    const typescript = await module(
      "m.ts",
      [
        'import { useState } from "react";',
        "function local() {}",
        "/** Documented. */",
        "export class Api {",
        "  private secret() {}",
        "  #hidden() {}",
        "  constructor() {}",
        "  open() {}",
        "}",
        "// a line comment is not TSDoc",
        "export interface Shape { size: number }",
      ].join("\n"),
    );
    expect(typescript.publicDefinitions).toBe(3);
    expect(typescript.undocumented.map((item) => item.name)).toEqual(["Api.open", "Shape"]);
    expect(typescript.symbols).toEqual(expect.arrayContaining(["useState", "local", "Api", "Shape", "size"]));
  });
});
