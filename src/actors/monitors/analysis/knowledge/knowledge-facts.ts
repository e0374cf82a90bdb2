/** A place in a Markdown file that names something. */
export interface DocReference {
  /** As written: a relative link target (anchor and query removed), a path, or a symbol (`OrderHandler`, `orders.place`). */
  target: string;
  line: number;
}

/** What the knowledge analysis extracts from one Markdown file. */
export interface DocFacts {
  language: "markdown";
  /** Relative Markdown links (`[x](path)`, `[x]: path`), outside code. */
  links: DocReference[];
  /** Backticked `path/to/file.ext`. */
  files: DocReference[];
  /** Backticked `CamelCase` names and `name()` / `a.b()` calls (`self.` / `this.` dropped). */
  symbols: DocReference[];
}

/** A public definition without a docstring (Python) or TSDoc comment (TypeScript/JavaScript). */
export interface UndocumentedDefinition {
  name: string;
  line: number;
}

/** What the knowledge analysis extracts from one source module. */
export interface ModuleFacts {
  language: "python" | "typescript";
  /** Names the module defines or imports: what a document may name. */
  symbols: string[];
  /** Public definitions: Python's module-level classes and functions (and public classes' methods) not starting with `_`; TypeScript's exports (and exported classes' public methods). */
  publicDefinitions: number;
  undocumented: UndocumentedDefinition[];
  syntaxErrors: number[];
}

export type KnowledgeFacts = DocFacts | ModuleFacts;

const isReferences = (value: unknown): boolean =>
  Array.isArray(value) && value.every((item) => typeof (item as DocReference | undefined)?.target === "string");

/** A light structural check of facts from a worker or a snapshot. */
export function isKnowledgeFacts(value: unknown): value is KnowledgeFacts {
  if (typeof value !== "object" || value === null) return false;
  const facts = value as Partial<DocFacts> & Partial<ModuleFacts> & { language?: unknown };
  if (facts.language === "markdown") return isReferences(facts.links) && isReferences(facts.files) && isReferences(facts.symbols);
  return (
    (facts.language === "python" || facts.language === "typescript") &&
    Array.isArray(facts.symbols) &&
    typeof facts.publicDefinitions === "number" &&
    Array.isArray(facts.undocumented) &&
    Array.isArray(facts.syntaxErrors)
  );
}
