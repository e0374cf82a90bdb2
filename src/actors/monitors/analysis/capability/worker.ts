/**
 * The capability monitor's analysis, run in worker threads: one file's path and content in, the
 * capabilities it defines out. Parsing goes through the shared tree-sitter loader.
 */
import { withParsedSource } from "../tree-sitter/parse-source.js";
import type { CapabilityFacts } from "./capability-facts.js";
import { extractCapabilities, type CapabilityRules } from "./extract-capabilities.js";

/** What the worker gets for one file. */
export interface CapabilityTask extends CapabilityRules {
  path: string;
  content: string;
}

export default function analyse(task: CapabilityTask): Promise<CapabilityFacts> {
  return withParsedSource(task.path, task.content, (tree, language) =>
    extractCapabilities(tree, language, { suffixes: task.suffixes, decorators: task.decorators }),
  );
}
