import { resolve } from "node:path";
import { isKnowledgeFacts, type KnowledgeFacts } from "../analysis/knowledge/knowledge-facts.js";
import type { StartActorDefinition } from "../../../runtime/define-actor.js";
import { defineMonitor } from "../define-monitor.js";
import type { MonitorOptions } from "../monitor-options.js";
import { createPathFilter, DEFAULT_EXCLUDES } from "../watch/path-filter.js";
import { KnowledgeIndex } from "./knowledge-index.js";
import { KNOWLEDGE_OPTION_PROPERTIES, type KnowledgeOptions } from "./knowledge-options.js";

/** Markdown, and the Python and TypeScript/JavaScript sources documents name. */
const SOURCES = ["**/*.{md,markdown,py,pyi,ts,mts,cts,tsx,js,mjs,cjs,jsx}"];

/**
 * `kind: knowledge-monitor`: watches Markdown and Python/TypeScript/JavaScript sources and asks
 * about knowledge going missing: documents no index links, modules whose public definitions are
 * mostly undocumented, and documents naming files or symbols the tree no longer has.
 */
export const knowledgeMonitor: StartActorDefinition<MonitorOptions & KnowledgeOptions> = defineMonitor<KnowledgeFacts, KnowledgeOptions>({
  kind: "knowledge-monitor",
  description: "asks about unlinked documents, undocumented modules, and documents naming files or symbols that no longer exist",
  options: KNOWLEDGE_OPTION_PROPERTIES,
  include: SOURCES,
  worker: "worker",
  task: (path, content) => ({ analysis: "knowledge", path, content }),
  isFacts: isKnowledgeFacts,
  factsBytes: (facts) => JSON.stringify(facts).length * 2,
  createIndex: (options) =>
    new KnowledgeIndex({
      roots: (Array.isArray(options.watch) ? options.watch : [options.watch]).map((root) => resolve(root)),
      filter: createPathFilter({ include: options.include ?? SOURCES, exclude: options.exclude ?? DEFAULT_EXCLUDES }),
      undocumentedShare: options.undocumentedShare,
      minPublicDefinitions: options.minPublicDefinitions,
      indexNames: options.indexNames,
      ignoreSymbols: options.ignoreSymbols,
    }),
  rules: {
    "unlinked-doc": { title: "Document linked from no index", help: "Link it from a README, index.md or SUMMARY.md, or remove it." },
    "undocumented-module": {
      title: "Module mostly undocumented",
      help: "Most public definitions of this module have no docstring or TSDoc comment.",
    },
    "stale-file-reference": {
      title: "Document names a missing file",
      help: "The document links or names a file that is not in the tree.",
    },
    "stale-symbol-reference": {
      title: "Document names a missing symbol",
      help: "The document names a class or function no module defines or imports.",
    },
  },
  topics: { question: "curiosity.knowledge_question", resolved: "curiosity.knowledge_resolved" },
});
