import type { CrossFileIndex } from "../cross-file-index.js";
import { makeFinding, type Evidence, type Finding } from "../finding.js";
import type { ClassFacts, IntegrationFacts, TopicMatch } from "../analysis/integration/integration-facts.js";
import { bindsCollide, bindServes, endpointAddress, type EndpointAddress } from "./endpoint-address.js";
import { isPattern, topicMatches } from "./topic-pattern.js";

/** Places by file: what one key (a topic, a pattern, an endpoint) is referenced from. Empty keys are dropped. */
type Sites = Map<string, number[]>;

interface Subscription {
  pattern: string;
  match: TopicMatch;
  sites: Sites;
}

interface EndpointSites {
  address: EndpointAddress;
  sites: Sites;
}

interface ClassEntry {
  file: string;
  facts: ClassFacts;
}

function addSite(map: Map<string, Sites>, key: string, file: string, line: number): void {
  let sites = map.get(key);
  if (!sites) map.set(key, (sites = new Map()));
  const lines = sites.get(file);
  if (lines) lines.push(line);
  else sites.set(file, [line]);
}

function removeFile<T>(map: Map<string, T>, key: string, file: string, sitesOf: (value: T) => Sites): void {
  const value = map.get(key);
  if (!value) return;
  const sites = sitesOf(value);
  sites.delete(file);
  if (sites.size === 0) map.delete(key);
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
  private readonly published = new Map<string, Sites>();
  private readonly subscriptions = new Map<string, Subscription>();
  private readonly binds = new Map<string, EndpointSites>();
  private readonly connects = new Map<string, EndpointSites>();
  private readonly classes = new Map<string, ClassEntry[]>();
  /** Attribute name → files reading it on something other than `self` / `this`. */
  private readonly foreignReads = new Map<string, number>();

  set(path: string, facts: IntegrationFacts): void {
    this.delete(path);
    this.files.set(path, facts);
    for (const message of facts.messages) {
      if (message.role === "publish") addSite(this.published, message.topic, path, message.line);
      else {
        const key = `${message.match}\u0000${message.topic}`;
        let subscription = this.subscriptions.get(key);
        if (!subscription) this.subscriptions.set(key, (subscription = { pattern: message.topic, match: message.match, sites: new Map() }));
        const lines = subscription.sites.get(path);
        if (lines) lines.push(message.line);
        else subscription.sites.set(path, [message.line]);
      }
    }
    for (const endpoint of facts.endpoints) {
      const address = endpointAddress(endpoint.endpoint);
      const table = endpoint.role === "bind" ? this.binds : this.connects;
      const key = `${address.group}\u0000${address.host}`;
      let entry = table.get(key);
      if (!entry) table.set(key, (entry = { address, sites: new Map() }));
      const lines = entry.sites.get(path);
      if (lines) lines.push(endpoint.line);
      else entry.sites.set(path, [endpoint.line]);
    }
    for (const cls of facts.classes) {
      const entries = this.classes.get(cls.name);
      if (entries) entries.push({ file: path, facts: cls });
      else this.classes.set(cls.name, [{ file: path, facts: cls }]);
    }
    for (const name of facts.foreignReads) this.foreignReads.set(name, (this.foreignReads.get(name) ?? 0) + 1);
  }

  delete(path: string): void {
    const facts = this.files.get(path);
    if (!facts) return;
    this.files.delete(path);
    for (const message of facts.messages) {
      if (message.role === "publish") removeFile(this.published, message.topic, path, (sites) => sites);
      else removeFile(this.subscriptions, `${message.match}\u0000${message.topic}`, path, (entry) => entry.sites);
    }
    for (const endpoint of facts.endpoints) {
      const address = endpointAddress(endpoint.endpoint);
      removeFile(
        endpoint.role === "bind" ? this.binds : this.connects,
        `${address.group}\u0000${address.host}`,
        path,
        (entry) => entry.sites,
      );
    }
    for (const cls of facts.classes) {
      const remaining = (this.classes.get(cls.name) ?? []).filter((entry) => entry.file !== path);
      if (remaining.length > 0) this.classes.set(cls.name, remaining);
      else this.classes.delete(cls.name);
    }
    for (const name of facts.foreignReads) {
      const count = (this.foreignReads.get(name) ?? 1) - 1;
      if (count > 0) this.foreignReads.set(name, count);
      else this.foreignReads.delete(name);
    }
  }

  /** Places that could not be resolved to a topic or endpoint, over every file. */
  unresolvedCount(): number {
    let count = 0;
    for (const facts of this.files.values()) count += facts.unresolved.length;
    return count;
  }

  findings(): Finding[] {
    return [...this.topicFindings(), ...this.endpointFindings(), ...this.classFindings()];
  }

  private topicFindings(): Finding[] {
    const findings: Finding[] = [];
    const patterns = [...this.subscriptions.values()].filter((s) => isPattern(s.pattern, s.match));
    const literal = new Set([...this.subscriptions.values()].filter((s) => !isPattern(s.pattern, s.match)).map((s) => s.pattern));
    for (const [topic, sites] of this.published) {
      if (literal.has(topic) || patterns.some((s) => topicMatches(s.pattern, s.match, topic))) continue;
      const evidence = evidenceOf(sites);
      findings.push(
        makeFinding({
          kind: "orphaned-topic",
          severity: "medium",
          subject: topic,
          question: `"${topic}" is published (${where(evidence)}) but nothing in the watched code subscribes to it: is a consumer missing, or is the publish dead code?`,
          evidence,
        }),
      );
    }
    for (const subscription of this.subscriptions.values()) {
      const fed = isPattern(subscription.pattern, subscription.match)
        ? [...this.published.keys()].some((topic) => topicMatches(subscription.pattern, subscription.match, topic))
        : this.published.has(subscription.pattern);
      if (fed) continue;
      const evidence = evidenceOf(subscription.sites);
      findings.push(
        makeFinding({
          kind: "unfed-subscription",
          severity: "medium",
          subject: subscription.pattern,
          question: `"${subscription.pattern}" is subscribed (${where(evidence)}) but nothing in the watched code publishes to it: is the producer missing, or is the topic misspelled?`,
          evidence,
        }),
      );
    }
    return findings;
  }

  private endpointFindings(): Finding[] {
    const findings: Finding[] = [];
    const binds = [...this.binds.values()];
    const reported = new Set<EndpointSites>();
    for (const bind of binds) {
      if (reported.has(bind)) continue;
      const colliding = binds.filter((other) => bindsCollide(bind.address, other.address));
      const evidence = colliding.flatMap((entry) => evidenceOf(entry.sites));
      if (evidence.length < 2) continue;
      for (const entry of colliding) reported.add(entry);
      const display = (colliding.find((entry) => entry.address.host === "*") ?? bind).address.display;
      findings.push(
        makeFinding({
          kind: "endpoint-conflict",
          severity: "high",
          subject: display,
          question: `${display} is bound in ${evidence.length} places (${where(evidence)}): only one socket can bind it on a host, so which one owns it?`,
          evidence: evidence.sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line),
        }),
      );
    }
    for (const connect of this.connects.values()) {
      if (binds.some((bind) => bindServes(bind.address, connect.address))) continue;
      const evidence = evidenceOf(connect.sites);
      findings.push(
        makeFinding({
          kind: "unbound-endpoint",
          severity: "medium",
          subject: connect.address.display,
          question: `${connect.address.display} is connected to (${where(evidence)}) but bound nowhere in the watched code: which process binds it, or is the address wrong?`,
          evidence,
        }),
      );
    }
    return findings;
  }

  /** The class and what it inherits from, when every base is known; undefined when some base is not in the index. */
  private lineage(entry: ClassEntry): ClassEntry[] | undefined {
    const seen = new Set<ClassEntry>([entry]);
    const pending = [entry];
    while (pending.length > 0) {
      for (const base of pending.pop()!.facts.bases) {
        const found = this.classes.get(base);
        if (!found) return undefined;
        for (const ancestor of found)
          if (!seen.has(ancestor)) {
            seen.add(ancestor);
            pending.push(ancestor);
          }
      }
    }
    return [...seen];
  }

  private classFindings(): Finding[] {
    const findings: Finding[] = [];
    const all = [...this.classes.values()].flat();
    for (const entry of all) {
      const { facts, file } = entry;
      const lineage = this.lineage(entry);
      const classSite = { file, line: facts.line };
      if (lineage && !lineage.some((member) => member.facts.dynamic)) {
        const assigned = new Set(lineage.flatMap((member) => member.facts.assigned));
        for (const use of facts.used) {
          if (assigned.has(use.attr)) continue;
          const evidence = [classSite, { file, line: use.line }];
          findings.push(
            makeFinding({
              kind: "uninitialized-attribute",
              severity: "high",
              subject: `${facts.name}.${use.attr}`,
              question: `${facts.name} (${file}:${facts.line}) calls a method on ${use.attr} at line ${use.line}, but neither it nor its bases ever assign ${use.attr}: where should it be initialised?`,
              evidence,
            }),
          );
        }
      }
      if (facts.pushed.length === 0) continue;
      // Readers may be the class, its ancestors, classes deriving from it, or code elsewhere (`worker.queue.pop()`).
      const family = [...(lineage ?? [entry]), ...all.filter((other) => other.facts.bases.includes(facts.name))];
      const read = new Set(family.flatMap((member) => member.facts.read));
      const pushedBy = new Map<string, Evidence[]>();
      for (const push of facts.pushed) {
        if (read.has(push.attr) || this.foreignReads.has(push.attr)) continue;
        const list = pushedBy.get(push.attr);
        if (list) list.push({ file, line: push.line });
        else pushedBy.set(push.attr, [{ file, line: push.line }]);
      }
      for (const [attr, pushes] of pushedBy) {
        const evidence = [classSite, ...pushes];
        findings.push(
          makeFinding({
            kind: "undrained-queue",
            severity: "medium",
            subject: `${facts.name}.${attr}`,
            question: `${facts.name} (${file}:${facts.line}) adds to ${attr} (${where(pushes)}) but nothing ever reads or drains it: who consumes it, or does it grow without bound?`,
            evidence,
          }),
        );
      }
    }
    return findings;
  }
}
