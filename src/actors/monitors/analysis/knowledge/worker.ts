/**
 * The knowledge monitor's analysis, run in worker threads: one file's path and content in, its
 * knowledge facts out — links and names from Markdown, names and documentation coverage from
 * Python and TypeScript/JavaScript (parsed through the shared tree-sitter loader).
 */
import { withParsedSource } from "../tree-sitter/parse-source.js";
import { extractDocReferences } from "./extract-doc-references.js";
import { extractModuleKnowledge } from "./extract-module-knowledge.js";
import type { KnowledgeFacts } from "./knowledge-facts.js";

/** What the worker gets for one file. */
export interface KnowledgeTask {
  path: string;
  content: string;
}

/** Whether `path` is read as Markdown. */
export const isMarkdown = (path: string): boolean => /\.(md|markdown)$/i.test(path);

export default async function analyse(task: KnowledgeTask): Promise<KnowledgeFacts> {
  if (isMarkdown(task.path)) return extractDocReferences(task.content);
  return withParsedSource(task.path, task.content, extractModuleKnowledge);
}
