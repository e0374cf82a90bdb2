import { BUILTIN_DIALECT_NAMES, type Dialect } from "../analysis/integration/dialect.js";

const RULE_SCHEMA = {
  type: "object",
  additionalProperties: false,
  required: ["call", "role"],
  properties: {
    call: { type: "string", minLength: 1, description: "The called method, function or class name, e.g. `publish` or `ChemSub`." },
    role: { enum: ["publish", "subscribe", "bind", "connect"], description: "What the call does with its topic or endpoint." },
    arg: { type: "integer", minimum: 0, description: "Index of the argument holding the topic or endpoint (0 when absent)." },
    keyword: { type: "string", minLength: 1, description: "Keyword argument holding it (Python `topic=`), tried before `arg`." },
    take: {
      enum: ["value", "first-element", "dict-keys", "after-streams"],
      description:
        'The argument itself (default), the first element of a list (a multipart frame), the keys of a dict, or the argument after `"STREAMS"`.',
    },
    receiver: {
      type: "string",
      minLength: 1,
      description: "Case-insensitive regular expression the receiver (its text or what it was assigned from) must match.",
    },
    when: {
      type: "string",
      minLength: 1,
      description: "Case-insensitive regular expression an argument's text must match (argument `whenArg`, or any).",
    },
    whenArg: { type: "integer", minimum: 0, description: "The argument `when` looks at." },
    match: {
      enum: ["exact", "wildcard", "prefix", "glob"],
      description:
        "How a subscription consumes topics: exact, wildcard (`*` one segment, `>` the rest; the default), prefix (ZeroMQ), glob (Redis PSUBSCRIBE).",
    },
    ignore: { type: "array", items: { type: "string" }, description: "Topics never recorded, e.g. event names every emitter has." },
  },
} as const;

/** The integration monitor's own options, beside the shared monitor options. */
export const INTEGRATION_OPTION_PROPERTIES = {
  dialects: {
    type: "array",
    items: { type: "string", minLength: 1 },
    uniqueItems: true,
    default: [...BUILTIN_DIALECT_NAMES],
    description:
      "What counts as publish/subscribe/bind/connect, tried in this order: plexus (Bus publish/subscribe/request), zmq (pyzmq and zeromq.js bind, connect, send_multipart/send with a topic frame, SUBSCRIBE), chembus (ChemPub/UMNPub emit, ChemSub/UMNSub), redis (xadd, xreadgroup/xread, publish, subscribe, psubscribe), generic (emit/on, publish/subscribe), or the name of one of `customDialects`.",
  },
  customDialects: {
    type: "array",
    default: [],
    description:
      "Dialects of your own: call names mapped to a role and the argument holding the topic or endpoint. Name one in `dialects` to use it.",
    items: {
      type: "object",
      additionalProperties: false,
      required: ["name", "rules"],
      properties: {
        name: { type: "string", minLength: 1 },
        rules: { type: "array", minItems: 1, items: RULE_SCHEMA },
      },
    },
  },
} as const;

/** The integration monitor's own options as it receives them (defaults applied). */
export interface IntegrationOptions {
  /** @defaultValue every built-in dialect: plexus, zmq, chembus, redis, generic */
  dialects: string[];
  /** @defaultValue [] */
  customDialects: Dialect[];
}
