/**
 * The integration monitor's analysis, run in worker threads: one file's path and content in,
 * its integration facts out. The parsers (tree-sitter's wasm runtime with the Python, TypeScript
 * and TSX grammars) are loaded once per worker thread, when this module is first imported.
 */
import { createRequire } from "node:module";
import { Language, Parser } from "web-tree-sitter";
import type { Dialect } from "./dialect.js";
import { extractFacts } from "./extract-facts.js";
import type { IntegrationFacts } from "./integration-facts.js";

/** What the worker gets for one file. */
export interface IntegrationTask {
  path: string;
  content: string;
  /**
   * The active dialects, in the order they are tried; or the same list as JSON, which is what a
   * monitor sends: a string crosses to the worker thread as one copy instead of a clone of every
   * rule, and each worker parses a given list once.
   */
  dialects: Dialect[] | string;
}

interface Grammars {
  parser: Parser;
  python: Language;
  typescript: Language;
  tsx: Language;
}

// Started when the module is imported, so once per worker thread. Not a top-level await: the
// worker module must also load through require() (tsx runs the sources in tests that way).
const grammars: Promise<Grammars> = (async () => {
  const require = createRequire(import.meta.url);
  await Parser.init();
  const [python, typescript, tsx] = await Promise.all(
    [
      "tree-sitter-python/tree-sitter-python.wasm",
      "tree-sitter-typescript/tree-sitter-typescript.wasm",
      "tree-sitter-typescript/tree-sitter-tsx.wasm",
    ].map((grammar) => Language.load(require.resolve(grammar))),
  );
  return { parser: new Parser(), python: python!, typescript: typescript!, tsx: tsx! };
})();

/** The grammar of a file, by extension: JavaScript goes through TSX, which also parses JSX. */
function grammarOf(
  path: string,
  { python, typescript, tsx }: Grammars,
): { language: Language; facts: IntegrationFacts["language"] } | undefined {
  const extension = /\.([^./\\]+)$/.exec(path)?.[1]?.toLowerCase();
  switch (extension) {
    case "py":
    case "pyi":
      return { language: python, facts: "python" };
    case "ts":
    case "mts":
    case "cts":
      return { language: typescript, facts: "typescript" };
    case "tsx":
    case "js":
    case "mjs":
    case "cjs":
    case "jsx":
      return { language: tsx, facts: "typescript" };
    default:
      return undefined;
  }
}

/** Dialect lists already parsed, by their JSON; a worker sees one per monitor configuration. */
const parsedDialects = new Map<string, Dialect[]>();
const MAX_PARSED_DIALECTS = 16;

function dialectsOf(dialects: Dialect[] | string): Dialect[] {
  if (typeof dialects !== "string") return dialects;
  let parsed = parsedDialects.get(dialects);
  if (!parsed) {
    if (parsedDialects.size >= MAX_PARSED_DIALECTS) parsedDialects.clear();
    parsedDialects.set(dialects, (parsed = JSON.parse(dialects) as Dialect[]));
  }
  return parsed;
}

export default async function analyse(task: IntegrationTask): Promise<IntegrationFacts> {
  const loaded = await grammars;
  const parser = loaded.parser;
  const grammar = grammarOf(task.path, loaded);
  if (!grammar) throw new Error(`${task.path}: not a Python, TypeScript or JavaScript file`);
  parser.setLanguage(grammar.language);
  const tree = parser.parse(task.content);
  if (!tree) throw new Error(`${task.path}: the parser gave up`);
  try {
    return extractFacts(tree, grammar.facts, dialectsOf(task.dialects));
  } finally {
    tree.delete();
  }
}
