import { isSystemTopic, SINGLE_WILDCARD, TAIL_WILDCARD } from "./topics.js";

/** Options of a {@link SubscriptionIndex}. */
export interface SubscriptionIndexOptions {
  /**
   * Topics whose match results are remembered (most topics repeat). Default 10,000; 0 disables.
   * When full, the oldest remembered topic is forgotten (counted in `cacheEvictions`).
   */
  cacheCapacity?: number;
}

/** One trie level: a segment position in the patterns stored below it. */
class TrieNode<T> {
  /** Children by literal segment. */
  readonly literal = new Map<string, TrieNode<T>>();
  /** Child for a `*` segment. */
  single: TrieNode<T> | undefined;
  /** Values whose pattern ends exactly here. */
  readonly exact: T[] = [];
  /** Values whose pattern continues with `>` here (matches one or more further segments). */
  readonly tail: T[] = [];

  isEmpty(): boolean {
    return this.literal.size === 0 && this.single === undefined && this.exact.length === 0 && this.tail.length === 0;
  }
}

const EMPTY: readonly never[] = Object.freeze([]);

/**
 * Maps topic patterns to values (subscriptions) and finds every value whose pattern matches a
 * topic. A segment trie keeps `match` proportional to the topic's depth, not to the number of
 * patterns, and a bounded per-topic cache makes repeated topics a single map lookup.
 *
 * It is a multiset: adding the same (pattern, value) twice stores it twice, and `match` returns one
 * entry per stored pair, exactly as filtering the pairs with `patternMatches` would.
 * Patterns must already be valid (see `validatePattern`).
 */
export class SubscriptionIndex<T> {
  private readonly root = new TrieNode<T>();
  private readonly cache = new Map<string, T[]>();
  private readonly cacheCapacity: number;
  private count = 0;
  /** Times a remembered topic was forgotten because the cache was full. */
  cacheEvictions = 0;

  constructor(options: SubscriptionIndexOptions = {}) {
    this.cacheCapacity = Math.max(0, options.cacheCapacity ?? 10_000);
  }

  /** Number of stored (pattern, value) pairs. */
  get size(): number {
    return this.count;
  }

  add(pattern: string, value: T): void {
    const segments = pattern.split(".");
    let node = this.root;
    for (let i = 0; i < segments.length; i++) {
      const segment = segments[i] as string;
      if (segment === TAIL_WILDCARD) {
        node.tail.push(value);
        this.changed(1);
        return;
      }
      node = segment === SINGLE_WILDCARD ? (node.single ??= new TrieNode<T>()) : childFor(node, segment);
    }
    node.exact.push(value);
    this.changed(1);
  }

  /** Removes one stored (pattern, value) pair; false when it was not there. */
  remove(pattern: string, value: T): boolean {
    const segments = pattern.split(".");
    const path: Array<{ parent: TrieNode<T>; segment: string; node: TrieNode<T> }> = [];
    let node = this.root;
    let list: T[] | undefined;
    for (let i = 0; i < segments.length; i++) {
      const segment = segments[i] as string;
      if (segment === TAIL_WILDCARD) {
        list = node.tail;
        break;
      }
      const next = segment === SINGLE_WILDCARD ? node.single : node.literal.get(segment);
      if (next === undefined) return false;
      path.push({ parent: node, segment, node: next });
      node = next;
    }
    list ??= node.exact;
    const at = list.indexOf(value);
    if (at < 0) return false;
    list.splice(at, 1);
    // Prune empty branches so churn (actors restarting) does not leave a growing skeleton.
    for (let i = path.length - 1; i >= 0; i--) {
      const step = path[i] as (typeof path)[number];
      if (!step.node.isEmpty()) break;
      if (step.segment === SINGLE_WILDCARD) step.parent.single = undefined;
      else step.parent.literal.delete(step.segment);
    }
    this.changed(-1);
    return true;
  }

  /**
   * Every value whose pattern matches `topic` (a valid topic, no wildcards). The returned array is
   * frozen and may be shared with later calls: copy it before changing it.
   */
  match(topic: string): T[] {
    const cached = this.cache.get(topic);
    if (cached !== undefined) return cached;
    const found: T[] = [];
    if (this.count > 0) {
      const segments = topic.split(".");
      collect(this.root, segments, 0, found, isSystemTopic(topic));
    }
    const result = found.length === 0 ? (EMPTY as unknown as T[]) : (Object.freeze(found) as unknown as T[]);
    this.remember(topic, result);
    return result;
  }

  /** True when no stored pattern matches `topic` (cheap path for "no responders"). */
  hasMatch(topic: string): boolean {
    return this.match(topic).length > 0;
  }

  /** Current number of remembered topics. */
  get cacheSize(): number {
    return this.cache.size;
  }

  private remember(topic: string, result: T[]): void {
    if (this.cacheCapacity === 0) return;
    if (this.cache.size >= this.cacheCapacity) {
      const oldest = this.cache.keys().next();
      if (oldest.done !== true) this.cache.delete(oldest.value);
      this.cacheEvictions++;
    }
    this.cache.set(topic, result);
  }

  private changed(delta: number): void {
    this.count += delta;
    // Any change can alter the result for any topic; clearing is O(1) amortised and changes are rare.
    if (this.cache.size > 0) this.cache.clear();
  }
}

function childFor<T>(node: TrieNode<T>, segment: string): TrieNode<T> {
  let child = node.literal.get(segment);
  if (child === undefined) {
    child = new TrieNode<T>();
    node.literal.set(segment, child);
  }
  return child;
}

function collect<T>(node: TrieNode<T>, segments: readonly string[], depth: number, found: T[], systemTopic: boolean): void {
  // Wildcards at the root never match system topics (`_dead.*`, `_inbox.*`); see topics.ts.
  const wildcardsAllowed = depth > 0 || !systemTopic;
  if (wildcardsAllowed && node.tail.length > 0 && depth < segments.length) {
    for (const value of node.tail) found.push(value);
  }
  if (depth === segments.length) {
    for (const value of node.exact) found.push(value);
    return;
  }
  const segment = segments[depth] as string;
  const literal = node.literal.get(segment);
  if (literal !== undefined) collect(literal, segments, depth + 1, found, systemTopic);
  if (wildcardsAllowed && node.single !== undefined) collect(node.single, segments, depth + 1, found, systemTopic);
}
