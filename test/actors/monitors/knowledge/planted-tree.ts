import { mkdir, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";

export type PlantedLanguage = "python" | "typescript";

/** The planted tree's files for one language, by path relative to its root. */
export function plantedKnowledgeFiles(language: PlantedLanguage): Record<string, string> {
  const ext = language === "python" ? "py" : "ts";
  const placeOrder = language === "python" ? "place_order" : "placeOrder";
  const readme = [
    "# Shop",
    "",
    "Start with the [guide](docs/guide.md); the [old notes](docs/removed.md) explain history.",
    "",
    `Orders live in \`src/orders.${ext}\`: \`OrderService\` and \`${placeOrder}()\` take an order.`,
    `Billing used to be \`LegacyBilling\` in \`src/billing.${ext}\`.`,
    "",
    "Print with `print()`, configure in `config.yaml`.",
    "",
    "```",
    "`NotASymbolInCode` [not a link](docs/nowhere.md)",
    "```",
    "",
  ].join("\n");
  const guide = ["# Guide", "", `See [the orders module](../src/orders.${ext}) and \`OrderService.place()\`.`, ""].join("\n");
  const orphan = ["# Orphan", "", "Nobody links here.", ""].join("\n");
  const files: Record<string, string> = { "README.md": readme, "docs/guide.md": guide, "docs/orphan.md": orphan };
  if (language === "python") {
    files["src/orders.py"] = [
      '"""Orders."""',
      "",
      "",
      "class OrderService:",
      '    """Takes orders."""',
      "",
      "    def place(self, order):",
      '        """Places one order."""',
      "        return order",
      "",
      "",
      "def place_order(order):",
      '    """Places an order with the default service."""',
      "    return OrderService().place(order)",
      "",
    ].join("\n");
    files["src/util.py"] = [
      "def one():",
      "    return 1",
      "",
      "",
      "def two():",
      "    return 2",
      "",
      "",
      "class Three:",
      "    pass",
      "",
    ].join("\n");
    files["src/tiny.py"] = ["def only():", "    return 1", ""].join("\n");
  } else {
    files["src/orders.ts"] = [
      "/** Takes orders. */",
      "export class OrderService {",
      "  /** Places one order. */",
      "  place(order: string): string {",
      "    return order;",
      "  }",
      "}",
      "",
      "/** Places an order with the default service. */",
      "export function placeOrder(order: string): string {",
      "  return new OrderService().place(order);",
      "}",
      "",
    ].join("\n");
    files["src/util.ts"] = ["export function one() {", "  return 1;", "}", "export const two = () => 2;", "export class Three {}", ""].join(
      "\n",
    );
    files["src/tiny.ts"] = ["export const only = 1;", ""].join("\n");
  }
  return files;
}

/** What the knowledge monitor finds in the planted tree of `language`, as `kind subject`, sorted. */
export function plantedKnowledgeFindings(language: PlantedLanguage): string[] {
  const ext = language === "python" ? "py" : "ts";
  return [
    "stale-file-reference docs/removed.md",
    `stale-file-reference src/billing.${ext}`,
    "stale-symbol-reference LegacyBilling",
    "undocumented-module src/util." + ext,
    "unlinked-doc docs/orphan.md",
  ];
}

/** Writes the planted tree of `language` under `root`. */
export async function plantKnowledgeTree(root: string, language: PlantedLanguage): Promise<void> {
  for (const [path, content] of Object.entries(plantedKnowledgeFiles(language))) {
    await mkdir(dirname(join(root, path)), { recursive: true });
    await writeFile(join(root, path), content);
  }
}
