/**
 * The one tree-sitter loader every monitor's worker analysis shares: the wasm runtime and the
 * Python, TypeScript and TSX grammars, loaded once per worker thread (when this module is first
 * imported), and the grammar chosen per file by extension.
 */
import { createRequire } from "node:module";
import { Language, Parser, type Tree } from "web-tree-sitter";

/** The language family a parsed file belongs to; JavaScript counts as TypeScript. */
export type SourceLanguage = "python" | "typescript";

interface Grammars {
  parser: Parser;
  python: Language;
  typescript: Language;
  tsx: Language;
}

// Started when the module is imported, so once per worker thread. Not a top-level await: the
// worker modules must also load through require() (tsx runs the sources in tests that way).
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
function grammarOf(path: string, { python, typescript, tsx }: Grammars): { grammar: Language; language: SourceLanguage } | undefined {
  const extension = /\.([^./\\]+)$/.exec(path)?.[1]?.toLowerCase();
  switch (extension) {
    case "py":
    case "pyi":
      return { grammar: python, language: "python" };
    case "ts":
    case "mts":
    case "cts":
      return { grammar: typescript, language: "typescript" };
    case "tsx":
    case "js":
    case "mjs":
    case "cjs":
    case "jsx":
      return { grammar: tsx, language: "typescript" };
    default:
      return undefined;
  }
}

/** Whether {@link withParsedSource} can parse `path` (Python, TypeScript or JavaScript, by extension). */
export function isParsableSource(path: string): boolean {
  return /\.(py|pyi|ts|mts|cts|tsx|js|mjs|cjs|jsx)$/i.test(path);
}

/**
 * Parses `content` with the grammar of `path` and hands the tree to `use`; the tree is freed
 * when `use` returns (tree-sitter's wasm memory is not garbage collected). Throws for a file that
 * is not Python, TypeScript or JavaScript.
 */
export async function withParsedSource<T>(path: string, content: string, use: (tree: Tree, language: SourceLanguage) => T): Promise<T> {
  const loaded = await grammars;
  const chosen = grammarOf(path, loaded);
  if (!chosen) throw new Error(`${path}: not a Python, TypeScript or JavaScript file`);
  loaded.parser.setLanguage(chosen.grammar);
  const tree = loaded.parser.parse(content);
  if (!tree) throw new Error(`${path}: the parser gave up`);
  try {
    return use(tree, chosen.language);
  } finally {
    tree.delete();
  }
}
