import type { DocFacts, DocReference } from "./knowledge-facts.js";

const FENCE = /^\s{0,3}(`{3,}|~{3,})/;
const CODE_SPAN = /(`+)([^`]+?)\1/g;
const INLINE_LINK = /!?\[(?:[^\]\\]|\\.)*\]\(\s*(?:<([^>\n]+)>|([^)\s]+))(?:\s+(?:"[^"]*"|'[^']*'))?\s*\)/g;
const REFERENCE_DEFINITION = /^\s{0,3}\[[^\]]+\]:\s*<?([^\s>]+)>?/;
const SCHEME = /^[a-z][a-z0-9+.-]*:/i;
const FILE_PATH = /^(?:\.{1,2}\/)*[\w@-][\w@.-]*(?:\/[\w@.-]+)*\.[A-Za-z][A-Za-z0-9]{0,9}$/;
const CALL = /^([A-Za-z_$][\w$]*(?:\.[A-Za-z_$][\w$]*)*)\([^()]*\)$/;
/** Two or more capitals with lower case among them: `OrderHandler`, `HTTPServer`; not `Parser` or `JSON`. */
const CAMEL = /^(?=[A-Z][A-Za-z0-9]*$)(?=(?:[^A-Z]*[A-Z]){2})(?=.*[a-z])/;
const RECEIVERS = new Set(["self", "this", "cls", "super"]);

/** A link target as a path: undefined for URLs, in-page anchors and empty links. */
function linkPath(raw: string): string | undefined {
  if (SCHEME.test(raw) || raw.startsWith("#") || raw.startsWith("//")) return undefined;
  const path = raw.replace(/[#?].*$/s, "");
  if (path === "") return undefined;
  try {
    return decodeURI(path);
  } catch {
    return path;
  }
}

/** The symbol a code span names, if it looks like one: `a.b()` → `a.b`, `self.x()` → `x`, `OrderHandler`. */
function symbolOf(span: string): string | undefined {
  const call = CALL.exec(span);
  if (call) {
    const segments = call[1]!.split(".");
    while (segments.length > 1 && RECEIVERS.has(segments[0]!)) segments.shift();
    return segments.join(".");
  }
  return CAMEL.test(span) ? span : undefined;
}

/**
 * What one Markdown file links to and names: relative links (inline and reference definitions),
 * backticked file paths, and backticked names that look like code symbols. Fenced code blocks
 * are skipped; code spans are never read as links. Pure.
 */
export function extractDocReferences(content: string): DocFacts {
  const facts: DocFacts = { language: "markdown", links: [], files: [], symbols: [] };
  const add = (list: DocReference[], target: string, line: number): void => {
    if (!list.some((item) => item.target === target && item.line === line)) list.push({ target, line });
  };
  let fence: string | undefined;
  const lines = content.split(/\r?\n/);
  for (let index = 0; index < lines.length; index++) {
    const text = lines[index]!;
    const line = index + 1;
    const marker = FENCE.exec(text)?.[1];
    if (fence !== undefined) {
      if (marker && marker[0] === fence[0] && marker.length >= fence.length) fence = undefined;
      continue;
    }
    if (marker) {
      fence = marker;
      continue;
    }
    for (const span of text.matchAll(CODE_SPAN)) {
      const code = span[2]!.trim();
      if (FILE_PATH.test(code)) add(facts.files, code, line);
      else {
        const symbol = symbolOf(code);
        if (symbol !== undefined) add(facts.symbols, symbol, line);
      }
    }
    const prose = text.replace(CODE_SPAN, (span) => " ".repeat(span.length));
    const definition = REFERENCE_DEFINITION.exec(prose)?.[1];
    const targets = definition === undefined ? [] : [definition];
    for (const link of prose.matchAll(INLINE_LINK)) targets.push(link[1] ?? link[2]!);
    for (const raw of targets) {
      const path = linkPath(raw);
      if (path !== undefined) add(facts.links, path, line);
    }
  }
  return facts;
}
