/**
 * The integration monitor's analysis, run in worker threads: one file's path and content in,
 * its integration facts out. Parsing goes through the shared tree-sitter loader.
 */
import { withParsedSource } from "../tree-sitter/parse-source.js";
import type { Dialect } from "./dialect.js";
import { extractFacts } from "./extract-facts.js";
import type { IntegrationFacts } from "./integration-facts.js";

/** What the worker gets for one file. */
export interface IntegrationTask {
  path: string;
  content: string;
  /** The active dialects, in the order they are tried. */
  dialects: Dialect[];
}

export default function analyse(task: IntegrationTask): Promise<IntegrationFacts> {
  return withParsedSource(task.path, task.content, (tree, language) => extractFacts(tree, language, task.dialects));
}
