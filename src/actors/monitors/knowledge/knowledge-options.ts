/** The knowledge monitor's own options, beside the shared monitor options. */
export const KNOWLEDGE_OPTION_PROPERTIES = {
  undocumentedShare: {
    type: "number",
    minimum: 0,
    maximum: 1,
    default: 0.5,
    description: "A module is asked about when more than this share of its public definitions has no docstring (Python) or TSDoc comment.",
  },
  minPublicDefinitions: {
    type: "integer",
    minimum: 1,
    default: 3,
    description: "Modules with fewer public definitions are never asked about their documentation.",
  },
  indexNames: {
    type: "array",
    items: { type: "string", minLength: 1 },
    uniqueItems: true,
    default: ["README.md", "index.md", "SUMMARY.md"],
    description: "File names (any folder, case-insensitive) of the Markdown indexes that must link every other Markdown file.",
  },
  ignoreSymbols: {
    type: "array",
    items: { type: "string", minLength: 1 },
    uniqueItems: true,
    default: [],
    description: "Backticked names documents may mention though no watched module defines or imports them (built-ins are known already).",
  },
} as const;

/** The knowledge monitor's own options as it receives them (defaults applied). */
export interface KnowledgeOptions {
  /** @defaultValue 0.5 */
  undocumentedShare: number;
  /** @defaultValue 3 */
  minPublicDefinitions: number;
  /** @defaultValue README.md, index.md, SUMMARY.md */
  indexNames: string[];
  /** @defaultValue [] */
  ignoreSymbols: string[];
}
