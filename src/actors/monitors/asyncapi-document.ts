import { relative, sep } from "node:path";
import type { EndpointFact, MessageFact, TopicMatch } from "./analysis/integration/integration-facts.js";
import { isPattern, topicMatches } from "./integration/topic-pattern.js";

/** What the document is built from for one source file: the messaging facts the integration analysis extracted. */
export interface MessagingFacts {
  /** Absolute path of the source file. */
  path: string;
  messages: readonly MessageFact[];
  endpoints: readonly EndpointFact[];
}

/** A source place, relative to the scanned root. */
interface Place {
  file: string;
  line: number;
}

/** One channel before it gets its id: a topic (published or subscribed as such), or a subscription pattern. */
interface ChannelDraft {
  topic: string;
  match: TopicMatch;
  pattern: boolean;
}

const PARAMETER_HELP: Record<TopicMatch, string> = {
  exact: "",
  wildcard: "one dot-separated segment (wildcard `*`)",
  prefix: "any suffix, also none (a ZeroMQ prefix subscription)",
  glob: "what the Redis PSUBSCRIBE glob matches here",
};
const MULTI_LEVEL_HELP = "one or more trailing dot-separated segments (multi-level wildcard `>` / `#`)";

/**
 * The channel address of a topic or pattern, with a parameter (`{p1}`, `{p2}`, …) for every
 * wildcard: `orders.*` → `orders.{p1}`, `orders.>` → `orders.{p1}`, a ZeroMQ prefix `orders.` →
 * `orders.{p1}`, a Redis glob `news.[ab]*` → `news.{p1}{p2}`.
 */
function address(draft: ChannelDraft): { address: string; parameters: Record<string, { description: string }> } {
  const parameters: Record<string, { description: string }> = {};
  const parameter = (description: string): string => {
    const name = `p${Object.keys(parameters).length + 1}`;
    parameters[name] = { description };
    return `{${name}}`;
  };
  if (!draft.pattern) return { address: draft.topic, parameters };
  switch (draft.match) {
    case "wildcard": {
      const segments = draft.topic.split(".");
      const last = segments.length - 1;
      return {
        address: segments
          .map((segment, i) =>
            segment === "*"
              ? parameter(PARAMETER_HELP.wildcard)
              : (segment === ">" || segment === "#") && i === last
                ? parameter(MULTI_LEVEL_HELP)
                : segment,
          )
          .join("."),
        parameters,
      };
    }
    case "prefix":
      return { address: `${draft.topic}${parameter(PARAMETER_HELP.prefix)}`, parameters };
    case "glob":
      return { address: draft.topic.replace(/\[[^\]]*\]|[*?]/g, () => parameter(PARAMETER_HELP.glob)), parameters };
    case "exact":
      return { address: draft.topic, parameters };
  }
}

/** A component id (`^[A-Za-z0-9_-]+$`) from free text, made unique against `taken` by a numeric suffix. */
function uniqueId(text: string, taken: Set<string>): string {
  const base =
    text
      .replace(/\*/g, "any")
      .replace(/[>#]/g, "rest")
      .replace(/[^A-Za-z0-9_-]+/g, "_")
      .replace(/^_+|_+$/g, "") || "all";
  let id = base;
  for (let n = 2; taken.has(id); n++) id = `${base}_${n}`;
  taken.add(id);
  return id;
}

const REDIS_SCHEMES = new Set(["redis", "rediss", "valkey", "valkeys"]);
const ZMQ_TRANSPORTS = new Set(["tcp", "ipc", "inproc"]);

/**
 * The server an endpoint names: Redis URLs speak `redis`; ZeroMQ endpoints (of the `zmq`
 * dialect, or `tcp://`, `ipc://`, `inproc://`) speak `zmq` over the transport their scheme names;
 * anything else its scheme.
 */
function server(endpoint: string, dialects: ReadonlySet<string>): Record<string, unknown> {
  const parsed = /^([a-z][a-z0-9+.-]*):\/\/([^/]*)(\/.*)?$/i.exec(endpoint);
  const scheme = parsed?.[1]?.toLowerCase() ?? "";
  const redis = REDIS_SCHEMES.has(scheme);
  const zmq = !redis && (dialects.has("zmq") || ZMQ_TRANSPORTS.has(scheme));
  const named = scheme === "ipc" || scheme === "inproc";
  // ipc:// names a path and inproc:// a name: no host.
  const host = named || !parsed?.[2] ? "localhost" : parsed[2];
  const pathname = named ? `/${(parsed?.[2] ?? "") + (parsed?.[3] ?? "")}`.replace(/^\/+/, "/") : parsed?.[3];
  return {
    host,
    protocol: redis ? "redis" : zmq ? "zmq" : scheme,
    ...(pathname ? { pathname } : {}),
    ...(zmq ? { "x-plexus-transport": scheme } : {}),
    ...(scheme === "rediss" || scheme === "valkeys" ? { "x-plexus-tls": true } : {}),
  };
}

/** The endpoint without credentials (`redis://:secret@host` → `redis://host`): the document is shared. */
const withoutCredentials = (endpoint: string): string => endpoint.trim().replace(/^([a-z][a-z0-9+.-]*:\/\/)[^/@]*@/i, "$1");

/** Code-point order: the document must not depend on the machine's locale. */
const compare = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

const byPlace = (a: Place, b: Place): number => compare(a.file, b.file) || a.line - b.line;

/**
 * An AsyncAPI 3.0 document of the messaging found in source files (`plexus scan --format
 * asyncapi`): a channel per topic published or subscribed as such, and one per subscription
 * pattern (its wildcards as channel parameters, the topics it consumes listed in
 * `x-plexus-matches`); per source file a `send` operation for each channel it publishes to and a
 * `receive` operation for each it subscribes to, with the lines in `x-plexus-lines`; and a server
 * per endpoint bound or connected, with where in `x-plexus-bound` / `x-plexus-connected`. Paths
 * are relative to `root`; ids are derived from topics and paths, so the same code gives the same
 * document.
 */
export function asyncApiDocument(
  files: readonly MessagingFacts[],
  options: { root: string; title: string; version: string; description?: string },
): Record<string, unknown> {
  const rel = (path: string): string => relative(options.root, path).split(sep).join("/");
  const sorted = [...files].sort((a, b) => compare(rel(a.path), rel(b.path)));

  // Channels: literal topics first (sorted), then patterns, so ids are stable.
  const drafts = new Map<string, ChannelDraft>();
  const keyOf = (message: MessageFact): string => {
    const pattern = message.role === "subscribe" && isPattern(message.topic, message.match);
    return pattern ? `${message.match}\u0000${message.topic}` : `topic\u0000${message.topic}`;
  };
  for (const file of sorted)
    for (const message of file.messages) {
      const pattern = message.role === "subscribe" && isPattern(message.topic, message.match);
      if (!pattern && message.topic === "") continue;
      const key = keyOf(message);
      if (!drafts.has(key)) drafts.set(key, { topic: message.topic, match: pattern ? message.match : "exact", pattern });
    }
  const ordered = [...drafts].sort(
    ([, a], [, b]) => Number(a.pattern) - Number(b.pattern) || compare(a.topic, b.topic) || compare(a.match, b.match),
  );
  const literalTopics = ordered.filter(([, draft]) => !draft.pattern).map(([, draft]) => draft.topic);
  const channelIds = new Map<string, string>();
  const takenChannels = new Set<string>();
  const channels: Record<string, unknown> = {};
  for (const [key, draft] of ordered) {
    const id = uniqueId(draft.pattern ? `${draft.topic}_${draft.match}` : draft.topic, takenChannels);
    channelIds.set(key, id);
    const { address: channelAddress, parameters } = address(draft);
    channels[id] = {
      address: channelAddress,
      ...(Object.keys(parameters).length > 0 ? { parameters } : {}),
      ...(draft.pattern
        ? {
            description: `Subscription pattern \`${draft.topic}\` (${draft.match}).`,
            "x-plexus-pattern": { pattern: draft.topic, match: draft.match },
            "x-plexus-matches": literalTopics.filter((topic) => topicMatches(draft.topic, draft.match, topic)),
          }
        : {}),
    };
  }

  // Operations: per file, one per (action, channel), in file order then channel order.
  const operations: Record<string, unknown> = {};
  const takenOperations = new Set<string>();
  for (const file of sorted) {
    const path = rel(file.path);
    const grouped = new Map<string, { action: "send" | "receive"; channel: string; lines: number[]; dialects: Set<string> }>();
    for (const message of file.messages) {
      const channel = channelIds.get(keyOf(message));
      if (channel === undefined) continue;
      const action = message.role === "publish" ? "send" : "receive";
      const key = `${action}\u0000${channel}`;
      const entry = grouped.get(key) ?? { action, channel, lines: [], dialects: new Set<string>() };
      entry.lines.push(message.line);
      entry.dialects.add(message.dialect);
      grouped.set(key, entry);
    }
    const entries = [...grouped.values()].sort((a, b) => compare(a.action, b.action) || compare(a.channel, b.channel));
    for (const entry of entries) {
      const id = uniqueId(`${path}_${entry.action}_${entry.channel}`, takenOperations);
      const lines = [...new Set(entry.lines)].sort((a, b) => a - b);
      operations[id] = {
        action: entry.action,
        channel: { $ref: `#/channels/${entry.channel}` },
        summary: `${path} ${entry.action === "send" ? "publishes to" : "subscribes to"} ${entry.channel} (line ${lines.join(", ")})`,
        "x-plexus-file": path,
        "x-plexus-lines": lines,
        "x-plexus-dialects": [...entry.dialects].sort(),
      };
    }
  }

  // Servers: one per endpoint as written.
  const endpoints = new Map<string, { bound: Place[]; connected: Place[]; dialects: Set<string> }>();
  for (const file of sorted)
    for (const fact of file.endpoints) {
      const endpoint = withoutCredentials(fact.endpoint);
      const entry = endpoints.get(endpoint) ?? { bound: [], connected: [], dialects: new Set<string>() };
      (fact.role === "bind" ? entry.bound : entry.connected).push({ file: rel(file.path), line: fact.line });
      entry.dialects.add(fact.dialect);
      endpoints.set(endpoint, entry);
    }
  const servers: Record<string, unknown> = {};
  const takenServers = new Set<string>();
  for (const [endpoint, entry] of [...endpoints].sort(([a], [b]) => compare(a, b))) {
    const id = uniqueId(
      endpoint.replace(/^[a-z][a-z0-9+.-]*:\/\//i, (scheme) => scheme.slice(0, -3) + "_"),
      takenServers,
    );
    const where = (places: Place[]): string => places.map((place) => `${place.file}:${place.line}`).join(", ");
    const roles = [
      entry.bound.length > 0 ? `bound at ${where(entry.bound.sort(byPlace))}` : "",
      entry.connected.length > 0 ? `connected from ${where(entry.connected.sort(byPlace))}` : "",
    ].filter((text) => text !== "");
    servers[id] = {
      ...server(endpoint, entry.dialects),
      description: `\`${endpoint}\`: ${roles.join("; ")}.`,
      "x-plexus-endpoint": endpoint,
      ...(entry.bound.length > 0 ? { "x-plexus-bound": entry.bound } : {}),
      ...(entry.connected.length > 0 ? { "x-plexus-connected": entry.connected } : {}),
    };
  }

  return {
    asyncapi: "3.0.0",
    info: {
      title: options.title,
      version: options.version,
      description: options.description ?? "Messaging found in the source code by `plexus scan --format asyncapi`.",
    },
    ...(Object.keys(servers).length > 0 ? { servers } : {}),
    channels,
    operations,
  };
}
