import { basename, dirname, join, relative, resolve, sep } from "node:path";
import type { DocFacts, DocReference, KnowledgeFacts, ModuleFacts } from "../analysis/knowledge/knowledge-facts.js";
import type { CrossFileIndex } from "../cross-file-index.js";
import { makeFileFinding, type Evidence, type Finding } from "../finding.js";
import type { PathFilter } from "../watch/path-filter.js";
import { WELL_KNOWN_SYMBOLS } from "./well-known-symbols.js";

/** What the knowledge index judges by (from the monitor's options). */
export interface KnowledgeSettings {
  /** Absolute watch roots. */
  roots: readonly string[];
  /** The monitor's include/exclude filter: a named file is judged missing only if the monitor would track it. */
  filter: PathFilter;
  undocumentedShare: number;
  minPublicDefinitions: number;
  indexNames: readonly string[];
  ignoreSymbols: readonly string[];
}

interface DocEntry {
  facts: DocFacts;
  root: string;
  isIndex: boolean;
  /** For an index: the files its links resolve to (each once), as counted in `linkedFrom`. */
  links: string[];
}

function increment(map: Map<string, number>, key: string): void {
  map.set(key, (map.get(key) ?? 0) + 1);
}

function decrement(map: Map<string, number>, key: string): void {
  const count = (map.get(key) ?? 1) - 1;
  if (count > 0) map.set(key, count);
  else map.delete(key);
}

const posix = (path: string): string => path.split(sep).join("/");

/**
 * The knowledge monitor's cross-file view: which files exist (and their folders and base names),
 * which Markdown files the indexes link, which names the modules define or import, and each
 * file's own facts. Setting or removing a file updates only what that file contributed; the
 * findings are read off these tables, never by reading files again.
 */
export class KnowledgeIndex implements CrossFileIndex<KnowledgeFacts> {
  private readonly docs = new Map<string, DocEntry>();
  private readonly modules = new Map<string, ModuleFacts>();
  private readonly folders = new Map<string, number>();
  private readonly basenames = new Map<string, Set<string>>();
  private readonly linkedFrom = new Map<string, number>();
  private readonly symbols = new Map<string, number>();
  private readonly indexNames: ReadonlySet<string>;
  private readonly ignored: ReadonlySet<string>;
  /** Undocumented-module findings by the facts they were built from (a file's facts are replaced when it changes). */
  private readonly undocumentedMemo = new WeakMap<ModuleFacts, Finding | null>();

  constructor(private readonly settings: KnowledgeSettings) {
    this.indexNames = new Set(settings.indexNames.map((name) => name.toLowerCase()));
    this.ignored = new Set(settings.ignoreSymbols);
  }

  set(path: string, facts: KnowledgeFacts): void {
    this.delete(path);
    for (let folder = dirname(path); folder !== dirname(folder); folder = dirname(folder)) increment(this.folders, folder);
    const name = basename(path);
    const sameName = this.basenames.get(name);
    if (sameName) sameName.add(path);
    else this.basenames.set(name, new Set([path]));
    if (facts.language === "markdown") {
      const root = this.rootOf(path);
      const isIndex = this.indexNames.has(name.toLowerCase());
      const links = isIndex ? [...new Set(facts.links.map((link) => this.resolveLink(path, root, link.target)))] : [];
      for (const target of links) increment(this.linkedFrom, target);
      this.docs.set(path, { facts, root, isIndex, links });
    } else {
      for (const symbol of facts.symbols) increment(this.symbols, symbol);
      this.modules.set(path, facts);
    }
  }

  delete(path: string): void {
    const doc = this.docs.get(path);
    const module = this.modules.get(path);
    if (!doc && !module) return;
    for (let folder = dirname(path); folder !== dirname(folder); folder = dirname(folder)) decrement(this.folders, folder);
    const sameName = this.basenames.get(basename(path));
    sameName?.delete(path);
    if (sameName?.size === 0) this.basenames.delete(basename(path));
    if (doc) {
      for (const target of doc.links) decrement(this.linkedFrom, target);
      this.docs.delete(path);
    }
    if (module) {
      for (const symbol of module.symbols) decrement(this.symbols, symbol);
      this.modules.delete(path);
    }
  }

  stats(): Record<string, number> {
    let indexes = 0;
    for (const doc of this.docs.values()) if (doc.isIndex) indexes += 1;
    return { docs: this.docs.size, indexes, modules: this.modules.size, symbols: this.symbols.size };
  }

  findings(): Finding[] {
    const findings: Finding[] = [];
    for (const [path, doc] of this.docs) {
      if (!doc.isIndex && !this.linkedFrom.has(path)) findings.push(this.unlinked(path));
      findings.push(...this.staleReferences(path, doc));
    }
    for (const [path, facts] of this.modules) {
      let finding = this.undocumentedMemo.get(facts);
      if (finding === undefined) this.undocumentedMemo.set(facts, (finding = this.undocumented(path, facts)));
      if (finding) findings.push(finding);
    }
    return findings;
  }

  private exists(path: string): boolean {
    return this.docs.has(path) || this.modules.has(path) || this.folders.has(path);
  }

  private rootOf(path: string): string {
    let best = dirname(path);
    let found = false;
    for (const root of this.settings.roots)
      if (path.startsWith(root + sep) && (!found || root.length > best.length)) {
        best = root;
        found = true;
      }
    return best;
  }

  /** Whether the monitor would track `path` (under its root, included, not excluded): only then can its absence be judged. */
  private judges(root: string, path: string): boolean {
    return path.startsWith(root + sep) && this.settings.filter.includesFile(posix(relative(root, path)));
  }

  private resolveLink(doc: string, root: string, target: string): string {
    return target.startsWith("/") ? join(root, target) : resolve(dirname(doc), target);
  }

  private display(path: string): string {
    return posix(relative(this.rootOf(path), path));
  }

  private unlinked(path: string): Finding {
    const names = this.settings.indexNames.join(", ");
    const shown = this.display(path);
    return makeFileFinding({
      kind: "unlinked-doc",
      severity: "low",
      subject: shown,
      question: `${shown} is not linked from any index (${names}, in any folder): should an index link it so people find it, or is it obsolete?`,
      evidence: [{ file: path, line: 1 }],
    });
  }

  /** Whether a link or a backticked path from `doc` names something that is not there (and would be tracked if it were). */
  private fileMissing(doc: string, root: string, target: string, link: boolean): boolean {
    if (target.endsWith("/")) return false; // a folder may hold only files the monitor does not track
    const direct = this.resolveLink(doc, root, target);
    if (this.exists(direct)) return false;
    if (link) return this.judges(root, direct);
    // A backticked path may be written from the root or as the tail of a longer path.
    const tail = target.replace(/^(\.\.?\/)+/, "");
    if (this.exists(join(root, tail))) return false;
    const suffix = sep + tail.split("/").join(sep);
    for (const candidate of this.basenames.get(basename(tail)) ?? []) if (candidate.endsWith(suffix)) return false;
    return this.judges(root, join(root, tail));
  }

  private symbolMissing(name: string): boolean {
    return !name
      .split(".")
      .some(
        (segment) => this.symbols.has(segment) || WELL_KNOWN_SYMBOLS.has(segment) || this.ignored.has(segment) || this.ignored.has(name),
      );
  }

  private staleReferences(path: string, doc: DocEntry): Finding[] {
    const files = new Map<string, Evidence[]>();
    const add = (map: Map<string, Evidence[]>, reference: DocReference): void => {
      const evidence = map.get(reference.target) ?? [];
      evidence.push({ file: path, line: reference.line });
      map.set(reference.target, evidence);
    };
    for (const link of doc.facts.links) if (this.fileMissing(path, doc.root, link.target, true)) add(files, link);
    for (const named of doc.facts.files) if (this.fileMissing(path, doc.root, named.target, false)) add(files, named);
    const symbols = new Map<string, Evidence[]>();
    // With no module watched there is nothing to hold a name against.
    if (this.modules.size > 0) for (const named of doc.facts.symbols) if (this.symbolMissing(named.target)) add(symbols, named);
    const shown = this.display(path);
    const findings: Finding[] = [];
    for (const [target, evidence] of files)
      findings.push(
        makeFileFinding({
          kind: "stale-file-reference",
          severity: "medium",
          subject: target,
          question: `${shown} names the file ${target} (${where(evidence)}), which is not in the watched tree: was it moved, renamed or deleted, and should the document follow?`,
          evidence,
        }),
      );
    for (const [target, evidence] of symbols)
      findings.push(
        makeFileFinding({
          kind: "stale-symbol-reference",
          severity: "medium",
          subject: target,
          question: `${shown} names \`${target}\` (${where(evidence)}), which no watched module defines or imports: was it renamed or removed, and should the document follow?`,
          evidence,
        }),
      );
    return findings;
  }

  private undocumented(path: string, facts: ModuleFacts): Finding | null {
    const total = facts.publicDefinitions;
    const missing = facts.undocumented.length;
    if (total < this.settings.minPublicDefinitions || missing / total <= this.settings.undocumentedShare) return null;
    const shown = this.display(path);
    const what = facts.language === "python" ? "docstring" : "TSDoc comment";
    const names = facts.undocumented.slice(0, 8).map((item) => item.name);
    const more = missing > names.length ? `, and ${missing - names.length} more` : "";
    return makeFileFinding({
      kind: "undocumented-module",
      severity: "low",
      subject: shown,
      question: `${missing} of ${total} public definitions in ${shown} have no ${what} (${names.join(", ")}${more}): what do they do, and who should write it down?`,
      evidence: facts.undocumented.map((item) => ({ file: path, line: item.line })),
    });
  }
}

const where = (evidence: readonly Evidence[]): string => evidence.map((item) => `line ${item.line}`).join(", ");
