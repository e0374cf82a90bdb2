import { readFile } from "node:fs/promises";
import { describe, expect, it } from "vitest";
import { isCapabilityFacts, type CapabilityFacts } from "../../../../src/actors/monitors/analysis/capability/capability-facts.js";
import analyse from "../../../../src/actors/monitors/analysis/capability/worker.js";
import { CAPABILITY_OPTION_PROPERTIES } from "../../../../src/actors/monitors/capability/capability-options.js";

const suffixes = CAPABILITY_OPTION_PROPERTIES.suffixes.default.map((suffix) => suffix.toLowerCase());
const decorators = [...CAPABILITY_OPTION_PROPERTIES.decorators.default];
const fixture = (path: string): URL => new URL(`../../../fixtures/monitors/capability/${path}`, import.meta.url);

async function factsOf(path: string): Promise<CapabilityFacts> {
  return analyse({ path, content: await readFile(fixture(path), "utf8"), suffixes, decorators });
}

const described = (facts: CapabilityFacts): string[] =>
  facts.capabilities.map(
    (item) => `${item.form} ${item.qualifiedName}:${item.line} ${item.suffix ?? "-"} ${item.decorators.join(",") || "-"}`,
  );

describe("the capability worker (no threads)", () => {
  it("finds Python classes and functions by name suffix (any case), functions and methods by decorator, and nothing else", async () => {
    const facts = await factsOf("python/orders.py");
    expect(isCapabilityFacts(facts)).toBe(true);
    // Not: Handler (only the suffix), Order (no suffix), OrderHandler.get_handler (a method without a decorator).
    expect(described(facts)).toEqual([
      "class OrderHandler:5 handler -",
      "function billing_service:10 service -",
      "function reconcile:23 - shared_task",
      "method Api.list_orders:29 - app.route",
    ]);
    expect(facts.syntaxErrors).toEqual([]);
  });

  it("finds TypeScript classes, functions and arrow functions by suffix, and classes and methods by decorator", async () => {
    const facts = await factsOf("typescript/orders.ts");
    expect(described(facts)).toEqual([
      "class OrderHandler:2 handler -",
      "function billingService:8 service -",
      "function orderProcessor:16 processor -",
      "class Reconcile:19 - Injectable",
      "method Api.list:23 - route",
    ]);
  });

  it("takes the suffixes and decorators it is given, matches a dotted decorator only in full, and analyses what parses of a broken file", async () => {
    const content = [
      "@celery.task",
      "def sync(): pass",
      "@other.job",
      "def not_this(): pass",
      "class PaymentGateway:",
      "    def broken(self):",
      "        return ) (",
      "class Ledger: pass",
    ].join("\n");
    const facts = await analyse({ path: "jobs.py", content, suffixes: ["gateway"], decorators: ["celery.task", "job.x"] });
    expect(facts.capabilities.map((item) => item.qualifiedName)).toEqual(["sync", "PaymentGateway"]);
    expect(facts.syntaxErrors.length).toBeGreaterThan(0);
    const js = await analyse({
      path: "ui.jsx",
      content: "export const CartManager = class {};\nexport default function App() { return <div />; }\n",
      suffixes: ["manager"],
      decorators: [],
    });
    expect(js.capabilities.map((item) => `${item.form} ${item.name}`)).toEqual(["class CartManager"]);
  });
});
