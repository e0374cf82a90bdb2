import type { CrossFileIndex } from "../cross-file-index.js";
import { makeFinding, type Evidence, type Finding } from "../finding.js";
import type { ClassFacts, IntegrationFacts, TopicMatch } from "../analysis/integration/integration-facts.js";
import { bindsCollide, bindServes, endpointAddress, type EndpointAddress } from "./endpoint-address.js";
import { isPattern, topicMatches } from "./topic-pattern.js";

/** Places by file: what one key (a topic, a pattern, an endpoint) is referenced from. Empty keys are dropped. */
type Sites = Map<string, number[]>;

/**
 * What one key of a reference table holds. `sites` changes in place (O(1) per file added or
 * removed, however many files share the key); `version` is replaced on every change, so it keys
 * the findings memo: an unchanged key reuses its finding.
 */
interface Referenced {
  sites: Sites;
  version: object;
}

interface Subscription extends Referenced {
  pattern: string;
  match: TopicMatch;
}

interface EndpointSites extends Referenced {
  address: EndpointAddress;
}

interface ClassEntry {
  file: string;
  facts: ClassFacts;
}

/**
 * A class's findings as last evaluated, with what they were evaluated from: the versions of the
 * class names its lineage looked up (found or not), of the classes deriving from it, and whether
 * each attribute it pushes to was read elsewhere. While all of these hold, the findings do too.
 */
interface ClassVerdict {
  names: Array<[string, number]>;
  derived: number;
  foreign: Array<[string, boolean]>;
  findings: Finding[];
}

function reference<T extends Referenced>(table: Map<string, T>, key: string, create: () => T, file: string, line: number): void {
  let entry = table.get(key);
  if (!entry) table.set(key, (entry = create()));
  const lines = entry.sites.get(file);
  if (lines) lines.push(line);
  else entry.sites.set(file, [line]);
  entry.version = {};
}

function unreference<T extends Referenced>(table: Map<string, T>, key: string, file: string): void {
  const entry = table.get(key);
  if (!entry?.sites.delete(file)) return;
  if (entry.sites.size === 0) table.delete(key);
  else entry.version = {};
}

function evidenceOf(sites: Sites): Evidence[] {
  return [...sites]
    .flatMap(([file, lines]) => lines.map((line) => ({ file, line })))
    .sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line);
}

const where = (evidence: readonly Evidence[]): string => evidence.map((item) => `${item.file}:${item.line}`).join(", ");

/**
 * The integration monitor's cross-file view. Each file's facts are kept as its contribution and
 * spread into per-topic, per-pattern, per-endpoint and per-class reference tables; replacing or
 * removing a file touches only the keys that file referenced. Findings are read off the tables.
 */
export class IntegrationIndex implements CrossFileIndex<IntegrationFacts> {
  private readonly files = new Map<string, IntegrationFacts>();
  private readonly published = new Map<string, Referenced>();
  private readonly subscriptions = new Map<string, Subscription>();
  private readonly binds = new Map<string, EndpointSites>();
  private readonly connects = new Map<string, EndpointSites>();
  private readonly classes = new Map<string, ClassEntry[]>();
  /** Base class name → the classes that name it as a base. */
  private readonly derivedBy = new Map<string, ClassEntry[]>();
  /**
   * Versions (from one counter, so a name that goes and comes back never repeats one) of each
   * class name's entries and of each name's derived classes; absent while there are none.
   */
  private readonly classVersions = new Map<string, number>();
  private readonly derivedVersions = new Map<string, number>();
  private versionClock = 0;
  /** Per class entry, its last verdict: an edit re-evaluates only the classes it can affect. */
  private readonly verdicts = new WeakMap<ClassEntry, ClassVerdict>();
  /** Attribute name → files reading it on something other than `self` / `this`. */
  private readonly foreignReads = new Map<string, number>();
  private unresolved = 0;
  private withSyntaxErrors = 0;
  /**
   * Findings built before, by what they were built from (a key's version, a class's entry): both are
   * replaced whenever they change, so an unchanged key reuses its finding instead of hashing it again.
   */
  private readonly memo = new WeakMap<object, Map<string, Finding>>();
  /** Endpoint conflicts of the last evaluation, by what they were built from. */
  private conflicts = new Map<string, Finding>();

  private remember(owner: object, key: string, build: () => Finding): Finding {
    let findings = this.memo.get(owner);
    if (!findings) this.memo.set(owner, (findings = new Map()));
    let finding = findings.get(key);
    if (!finding) findings.set(key, (finding = build()));
    return finding;
  }

  set(path: string, facts: IntegrationFacts): void {
    this.delete(path);
    this.files.set(path, facts);
    this.unresolved += facts.unresolved.length;
    if (facts.syntaxErrors.length > 0) this.withSyntaxErrors += 1;
    for (const message of facts.messages) {
      if (message.role === "publish")
        reference(this.published, message.topic, () => ({ sites: new Map(), version: {} }), path, message.line);
      else {
        const create = (): Subscription => ({ pattern: message.topic, match: message.match, sites: new Map(), version: {} });
        reference(this.subscriptions, `${message.match}\u0000${message.topic}`, create, path, message.line);
      }
    }
    for (const endpoint of facts.endpoints) {
      const address = endpointAddress(endpoint.endpoint);
      const table = endpoint.role === "bind" ? this.binds : this.connects;
      reference(table, `${address.group}\u0000${address.host}`, () => ({ address, sites: new Map(), version: {} }), path, endpoint.line);
    }
    for (const cls of facts.classes) {
      const entry = { file: path, facts: cls };
      const entries = this.classes.get(cls.name);
      if (entries) entries.push(entry);
      else this.classes.set(cls.name, [entry]);
      this.classVersions.set(cls.name, ++this.versionClock);
      for (const base of cls.bases) {
        const derived = this.derivedBy.get(base);
        if (derived) derived.push(entry);
        else this.derivedBy.set(base, [entry]);
        this.derivedVersions.set(base, ++this.versionClock);
      }
    }
    for (const name of facts.foreignReads) this.foreignReads.set(name, (this.foreignReads.get(name) ?? 0) + 1);
  }

  delete(path: string): void {
    const facts = this.files.get(path);
    if (!facts) return;
    this.files.delete(path);
    this.unresolved -= facts.unresolved.length;
    if (facts.syntaxErrors.length > 0) this.withSyntaxErrors -= 1;
    for (const message of facts.messages) {
      if (message.role === "publish") unreference(this.published, message.topic, path);
      else unreference(this.subscriptions, `${message.match}\u0000${message.topic}`, path);
    }
    for (const endpoint of facts.endpoints) {
      const address = endpointAddress(endpoint.endpoint);
      unreference(endpoint.role === "bind" ? this.binds : this.connects, `${address.group}\u0000${address.host}`, path);
    }
    for (const cls of facts.classes) {
      const remaining = (this.classes.get(cls.name) ?? []).filter((entry) => entry.file !== path);
      if (remaining.length > 0) {
        this.classes.set(cls.name, remaining);
        this.classVersions.set(cls.name, ++this.versionClock);
      } else {
        this.classes.delete(cls.name);
        this.classVersions.delete(cls.name);
      }
      for (const base of cls.bases) {
        const derived = (this.derivedBy.get(base) ?? []).filter((entry) => entry.file !== path);
        if (derived.length > 0) {
          this.derivedBy.set(base, derived);
          this.derivedVersions.set(base, ++this.versionClock);
        } else {
          this.derivedBy.delete(base);
          this.derivedVersions.delete(base);
        }
      }
    }
    for (const name of facts.foreignReads) {
      const count = (this.foreignReads.get(name) ?? 1) - 1;
      if (count > 0) this.foreignReads.set(name, count);
      else this.foreignReads.delete(name);
    }
  }

  /** Places that could not be resolved to a topic or endpoint, over every file. */
  unresolvedCount(): number {
    return this.unresolved;
  }

  stats(): Record<string, number> {
    return {
      topics: this.published.size,
      subscriptions: this.subscriptions.size,
      endpoints: this.binds.size + this.connects.size,
      classes: this.classes.size,
      unresolved: this.unresolved,
      filesWithSyntaxErrors: this.withSyntaxErrors,
    };
  }

  findings(): Finding[] {
    return [...this.topicFindings(), ...this.endpointFindings(), ...this.classFindings()];
  }

  private topicFindings(): Finding[] {
    const findings: Finding[] = [];
    const patterns = [...this.subscriptions.values()].filter((s) => isPattern(s.pattern, s.match));
    const literal = new Set([...this.subscriptions.values()].filter((s) => !isPattern(s.pattern, s.match)).map((s) => s.pattern));
    for (const [topic, { sites, version }] of this.published) {
      if (literal.has(topic) || patterns.some((s) => topicMatches(s.pattern, s.match, topic))) continue;
      findings.push(
        this.remember(version, "orphaned-topic", () => {
          const evidence = evidenceOf(sites);
          return makeFinding({
            kind: "orphaned-topic",
            severity: "medium",
            subject: topic,
            question: `"${topic}" is published (${where(evidence)}) but nothing in the watched code subscribes to it: is a consumer missing, or is the publish dead code?`,
            evidence,
          });
        }),
      );
    }
    for (const subscription of this.subscriptions.values()) {
      const fed = isPattern(subscription.pattern, subscription.match)
        ? [...this.published.keys()].some((topic) => topicMatches(subscription.pattern, subscription.match, topic))
        : this.published.has(subscription.pattern);
      if (fed) continue;
      findings.push(
        this.remember(subscription.version, "unfed-subscription", () => {
          const evidence = evidenceOf(subscription.sites);
          return makeFinding({
            kind: "unfed-subscription",
            severity: "medium",
            subject: subscription.pattern,
            question: `"${subscription.pattern}" is subscribed (${where(evidence)}) but nothing in the watched code publishes to it: is the producer missing, or is the topic misspelled?`,
            evidence,
          });
        }),
      );
    }
    return findings;
  }

  private endpointFindings(): Finding[] {
    const findings: Finding[] = [];
    // Only binds of one group (transport and port) can collide or serve a connect.
    const bindsByGroup = new Map<string, EndpointSites[]>();
    for (const bind of this.binds.values()) {
      const group = bindsByGroup.get(bind.address.group);
      if (group) group.push(bind);
      else bindsByGroup.set(bind.address.group, [bind]);
    }
    const reported = new Set<EndpointSites>();
    const conflicts = new Map<string, Finding>();
    for (const bind of this.binds.values()) {
      if (reported.has(bind)) continue;
      const colliding = bindsByGroup.get(bind.address.group)!.filter((other) => bindsCollide(bind.address, other.address));
      const evidence = colliding.flatMap((entry) => evidenceOf(entry.sites));
      if (evidence.length < 2) continue;
      for (const entry of colliding) reported.add(entry);
      const display = (colliding.find((entry) => entry.address.host === "*") ?? bind).address.display;
      evidence.sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line);
      // Several keys make one conflict: its memo key is everything the finding is built from.
      const signature = `${display}\u0000${where(evidence)}`;
      let finding = this.conflicts.get(signature);
      finding ??= makeFinding({
        kind: "endpoint-conflict",
        severity: "high",
        subject: display,
        question: `${display} is bound in ${evidence.length} places (${where(evidence)}): only one socket can bind it on a host, so which one owns it?`,
        evidence,
      });
      conflicts.set(signature, finding);
      findings.push(finding);
    }
    this.conflicts = conflicts;
    for (const connect of this.connects.values()) {
      if (connect.address.external) continue;
      if ((bindsByGroup.get(connect.address.group) ?? []).some((bind) => bindServes(bind.address, connect.address))) continue;
      findings.push(
        this.remember(connect.version, "unbound-endpoint", () => {
          const evidence = evidenceOf(connect.sites);
          return makeFinding({
            kind: "unbound-endpoint",
            severity: "medium",
            subject: connect.address.display,
            question: `${connect.address.display} is connected to (${where(evidence)}) but bound nowhere in the watched code: which process binds it, or is the address wrong?`,
            evidence,
          });
        }),
      );
    }
    return findings;
  }

  /**
   * The class and what it inherits from, when every base is known (undefined when some base is not
   * in the index), and every class name looked up on the way.
   */
  private lineage(entry: ClassEntry): { members: ClassEntry[] | undefined; names: string[] } {
    const seen = new Set<ClassEntry>([entry]);
    const names = new Set<string>();
    const pending = [entry];
    while (pending.length > 0) {
      for (const base of pending.pop()!.facts.bases) {
        names.add(base);
        const found = this.classes.get(base);
        if (!found) return { members: undefined, names: [...names] };
        for (const ancestor of found)
          if (!seen.has(ancestor)) {
            seen.add(ancestor);
            pending.push(ancestor);
          }
      }
    }
    return { members: [...seen], names: [...names] };
  }

  private classFindings(): Finding[] {
    const findings: Finding[] = [];
    for (const entries of this.classes.values())
      for (const entry of entries) {
        let verdict = this.verdicts.get(entry);
        if (!verdict || !this.holds(verdict, entry)) this.verdicts.set(entry, (verdict = this.judgeClass(entry)));
        findings.push(...verdict.findings);
      }
    return findings;
  }

  /** Whether nothing a verdict was evaluated from has changed since. */
  private holds(verdict: ClassVerdict, entry: ClassEntry): boolean {
    return (
      verdict.derived === (this.derivedVersions.get(entry.facts.name) ?? 0) &&
      verdict.names.every(([name, version]) => (this.classVersions.get(name) ?? 0) === version) &&
      verdict.foreign.every(([attr, read]) => this.foreignReads.has(attr) === read)
    );
  }

  private judgeClass(entry: ClassEntry): ClassVerdict {
    const findings: Finding[] = [];
    const { facts, file } = entry;
    const { members: lineage, names } = this.lineage(entry);
    const verdict: ClassVerdict = {
      names: names.map((name) => [name, this.classVersions.get(name) ?? 0]),
      derived: this.derivedVersions.get(facts.name) ?? 0,
      foreign: facts.pushed.map((push) => [push.attr, this.foreignReads.has(push.attr)]),
      findings,
    };
    const classSite = { file, line: facts.line };
    if (lineage && !lineage.some((member) => member.facts.dynamic)) {
      const assigned = new Set(lineage.flatMap((member) => member.facts.assigned));
      for (const use of facts.used) {
        if (assigned.has(use.attr)) continue;
        findings.push(
          this.remember(entry, `uninitialized-attribute\u0000${use.attr}`, () =>
            makeFinding({
              kind: "uninitialized-attribute",
              severity: "high",
              subject: `${facts.name}.${use.attr}`,
              question: `${facts.name} (${file}:${facts.line}) calls a method on ${use.attr} at line ${use.line}, but neither it nor its bases ever assign ${use.attr}: where should it be initialised?`,
              evidence: [classSite, { file, line: use.line }],
            }),
          ),
        );
      }
    }
    if (facts.pushed.length === 0) return verdict;
    // Readers may be the class, its ancestors, classes deriving from it, or code elsewhere (`worker.queue.pop()`).
    const family = [...(lineage ?? [entry]), ...(this.derivedBy.get(facts.name) ?? [])];
    const read = new Set(family.flatMap((member) => member.facts.read));
    const pushedBy = new Map<string, Evidence[]>();
    for (const push of facts.pushed) {
      if (read.has(push.attr) || this.foreignReads.has(push.attr)) continue;
      const list = pushedBy.get(push.attr);
      if (list) list.push({ file, line: push.line });
      else pushedBy.set(push.attr, [{ file, line: push.line }]);
    }
    for (const [attr, pushes] of pushedBy) {
      findings.push(
        this.remember(entry, `undrained-queue\u0000${attr}`, () =>
          makeFinding({
            kind: "undrained-queue",
            severity: "medium",
            subject: `${facts.name}.${attr}`,
            question: `${facts.name} (${file}:${facts.line}) adds to ${attr} (${where(pushes)}) but nothing ever reads or drains it: who consumes it, or does it grow without bound?`,
            evidence: [classSite, ...pushes],
          }),
        ),
      );
    }
    return verdict;
  }
}
