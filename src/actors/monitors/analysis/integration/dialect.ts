import type { TopicMatch } from "./integration-facts.js";

/** One kind of call that publishes, subscribes, binds or connects. */
export interface DialectRule {
  /** The called name: a method (`publish`), a function or a class (`ChemSub`, also with `new`). */
  call: string;
  role: "publish" | "subscribe" | "bind" | "connect";
  /** Index of the argument holding the topic or endpoint. @defaultValue 0 */
  arg?: number;
  /** Keyword argument holding it (Python `topic=`), tried before `arg`. */
  keyword?: string;
  /**
   * What in that argument is the topic: the value itself, the first element of a list (a
   * multipart frame), the keys of a dict (redis-py's `streams`), or the argument after a
   * `"STREAMS"` argument (ioredis). @defaultValue "value"
   */
  take?: "value" | "first-element" | "dict-keys" | "after-streams";
  /** Case-insensitive regular expression the receiver (its text, or what it was assigned from) must match. */
  receiver?: string;
  /** Case-insensitive regular expression the text of argument `whenArg` (of any argument when absent) must match (`zmq.SUBSCRIBE`). */
  when?: string;
  whenArg?: number;
  /** How a subscription consumes topics. @defaultValue "wildcard" */
  match?: TopicMatch;
  /** Topics never recorded (event names every emitter has). */
  ignore?: string[];
}

/** A named set of rules; several are active at once. */
export interface Dialect {
  name: string;
  rules: DialectRule[];
}

const ZMQ_SOCKET = "sock|socket|zmq|pub|sub|push|pull|router|dealer|pair|publisher|subscriber|req|rep|frontend|backend";
const STREAMS_ARG = "^['\"`]STREAMS['\"`]$";
const REDIS_CLIENT = "redis|pubsub|client|conn|\\br\\b|valkey";
/** Events every Node or Python emitter has; recording them would only produce noise. */
const COMMON_EVENTS = [
  "error",
  "close",
  "end",
  "data",
  "message",
  "exit",
  "connect",
  "open",
  "ready",
  "finish",
  "drain",
  "timeout",
  "listening",
  "change",
  "request",
  "response",
  "line",
  "SIGINT",
  "SIGTERM",
];

/** The dialects plexus knows; the option `dialects` picks among them and those of `customDialects`. */
export const BUILTIN_DIALECTS: readonly Dialect[] = [
  {
    name: "plexus",
    rules: [
      { call: "publish", role: "publish", receiver: "bus" },
      { call: "request", role: "publish", receiver: "bus" },
      { call: "subscribe", role: "subscribe", receiver: "bus", match: "wildcard" },
    ],
  },
  {
    name: "zmq",
    rules: [
      { call: "bind", role: "bind", receiver: ZMQ_SOCKET },
      { call: "connect", role: "connect", receiver: ZMQ_SOCKET },
      { call: "send_multipart", role: "publish", take: "first-element", receiver: ZMQ_SOCKET },
      { call: "send", role: "publish", take: "first-element", receiver: ZMQ_SOCKET },
      { call: "setsockopt", role: "subscribe", arg: 1, when: "SUBSCRIBE", whenArg: 0, match: "prefix" },
      { call: "setsockopt_string", role: "subscribe", arg: 1, when: "SUBSCRIBE", whenArg: 0, match: "prefix" },
      { call: "subscribe", role: "subscribe", receiver: ZMQ_SOCKET, match: "prefix" },
    ],
  },
  {
    name: "chembus",
    rules: [
      { call: "emit", role: "publish", receiver: "ChemPub|UMNPub" },
      { call: "ChemSub", role: "subscribe", keyword: "topic", match: "wildcard" },
      { call: "UMNSub", role: "subscribe", keyword: "topic", match: "wildcard" },
    ],
  },
  {
    name: "redis",
    rules: [
      { call: "xadd", role: "publish" },
      { call: "xreadgroup", role: "subscribe", take: "after-streams", when: STREAMS_ARG, match: "exact" },
      { call: "xreadgroup", role: "subscribe", keyword: "streams", arg: 2, take: "dict-keys", match: "exact" },
      { call: "xread", role: "subscribe", take: "after-streams", when: STREAMS_ARG, match: "exact" },
      { call: "xread", role: "subscribe", keyword: "streams", take: "dict-keys", match: "exact" },
      { call: "publish", role: "publish", receiver: REDIS_CLIENT },
      { call: "subscribe", role: "subscribe", receiver: REDIS_CLIENT, match: "exact" },
      { call: "psubscribe", role: "subscribe", receiver: REDIS_CLIENT, match: "glob" },
      // The server a client connects to: redis-py's `from_url`, ioredis's `new Redis(url)` (not `new Redis(port)`).
      { call: "from_url", role: "connect", receiver: "redis|valkey" },
      { call: "Redis", role: "connect", when: "redis|url", whenArg: 0 },
    ],
  },
  {
    name: "generic",
    rules: [
      { call: "emit", role: "publish", ignore: COMMON_EVENTS },
      { call: "on", role: "subscribe", match: "exact", ignore: COMMON_EVENTS },
      { call: "publish", role: "publish" },
      { call: "subscribe", role: "subscribe", match: "wildcard" },
    ],
  },
];

export const BUILTIN_DIALECT_NAMES: readonly string[] = BUILTIN_DIALECTS.map((dialect) => dialect.name);

/**
 * The dialects named by `names`, in that order, looked up among the custom ones first (a custom
 * dialect may replace a built-in one). Returns an error message naming what is unknown.
 */
export function selectDialects(names: readonly string[], custom: readonly Dialect[]): Dialect[] | { error: string } {
  const known = new Map<string, Dialect>([...BUILTIN_DIALECTS, ...custom].map((dialect) => [dialect.name, dialect]));
  const unknown = names.filter((name) => !known.has(name));
  if (unknown.length > 0)
    return { error: `unknown dialect ${unknown.map((name) => JSON.stringify(name)).join(", ")}; known: ${[...known.keys()].join(", ")}` };
  return names.map((name) => known.get(name)!);
}
