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
  /**
   * The active dialects, in the order they are tried; or the same list as JSON, which is what a
   * monitor sends: a string crosses to the worker thread as one copy instead of a clone of every
   * rule, and each worker parses a given list once.
   */
  dialects: Dialect[] | string;
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

export default function analyse(task: IntegrationTask): Promise<IntegrationFacts> {
  return withParsedSource(task.path, task.content, (tree, language) => extractFacts(tree, language, dialectsOf(task.dialects)));
}
