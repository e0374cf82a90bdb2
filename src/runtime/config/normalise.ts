/**
 * Turns a raw config (already checked against `config/plexus.schema.json`, defaults applied) into
 * the normalised `ResolvedConfig`: durations in milliseconds, paths absolute, child kinds resolved
 * and their options validated. Also finds what a schema cannot express: duplicate sibling ids,
 * unknown kinds, `backoff.min > backoff.max`.
 *
 * It runs even when the schema found problems, so that every issue is reported in one pass; it
 * therefore reads defensively and skips what is malformed (the schema has reported it already).
 */
import path from "node:path";
import { formatPath } from "./config-error.js";
import type { PathSegment, PendingIssue } from "./config-error.js";
import type { ResolvedBusConfig, ResolvedContractsConfig } from "../../transports/bus/bus-config.js";
import type { ChildSpec, RestartType, Strategy, SupervisorSpec } from "../supervision/child-spec.js";
import type { ResolvedConfig, ResolvedRuntimeSection } from "./plexus-config.js";
import type { ResolvedTransportConfig } from "../../transports/transport-config.js";
import { tryParseDuration } from "../../common/durations.js";
import type { KindOptionsValidator } from "./kind-options.js";

/** What normalising needs besides the raw config. */
export interface NormaliseContext {
  /** Directory that relative paths (stateDir, contracts.dir) are resolved against. */
  baseDir: string;
  validator: KindOptionsValidator;
  /** Keep children of unregistered kinds (options unchecked) instead of reporting them. */
  acceptUnknownKinds?: boolean;
}

/** The normalised config and every problem found on the way (the config is unusable if any). */
export interface NormaliseResult {
  config: ResolvedConfig;
  issues: PendingIssue[];
}

/** Default shutdown of a worker, and the floor for a supervisor's computed one. */
const DEFAULT_SHUTDOWN_MS = 5_000;

type RawObject = Record<string, unknown>;

function isObject(value: unknown): value is RawObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function objectAt(parent: RawObject, key: string): RawObject {
  const value = parent[key];
  return isObject(value) ? value : {};
}

function stringAt(parent: RawObject, key: string, fallback: string): string {
  const value = parent[key];
  return typeof value === "string" ? value : fallback;
}

function numberAt(parent: RawObject, key: string, fallback: number): number {
  const value = parent[key];
  return typeof value === "number" ? value : fallback;
}

function booleanAt(parent: RawObject, key: string, fallback: boolean): boolean {
  const value = parent[key];
  return typeof value === "boolean" ? value : fallback;
}

/** Milliseconds of a duration key; malformed values were reported by the schema, so 0 is never used. */
function durationAt(parent: RawObject, key: string, fallback: number): number {
  const value = parent[key];
  return value === undefined ? fallback : (tryParseDuration(value) ?? 0);
}

function normaliseRuntime(raw: RawObject, baseDir: string): ResolvedRuntimeSection {
  const ops = objectAt(raw, "ops");
  const token = ops.token;
  return {
    name: stringAt(raw, "name", "plexus"),
    ops: {
      host: stringAt(ops, "host", "127.0.0.1"),
      port: numberAt(ops, "port", 8001),
      enabled: booleanAt(ops, "enabled", true),
      // `token: ${PLEXUS_TOKEN:-}` with the variable unset means "no token", not "the empty token".
      ...(typeof token === "string" && token !== "" ? { token } : {}),
      maxBodyBytes: numberAt(ops, "maxBodyBytes", 1_048_576),
    },
    stateDir: path.resolve(baseDir, stringAt(raw, "stateDir", ".plexus")),
    log: { level: stringAt(objectAt(raw, "log"), "level", "info") },
  };
}

function normaliseTransport(raw: RawObject): ResolvedTransportConfig {
  switch (raw.kind) {
    case "zmq":
      return {
        kind: "zmq",
        xsub: stringAt(raw, "xsub", "tcp://127.0.0.1:5556"),
        xpub: stringAt(raw, "xpub", "tcp://127.0.0.1:5557"),
        noDrop: booleanAt(raw, "noDrop", false),
        sendHighWaterMark: numberAt(raw, "sendHighWaterMark", 10_000),
        receiveHighWaterMark: numberAt(raw, "receiveHighWaterMark", 10_000),
        batchFrames: booleanAt(raw, "batchFrames", false),
        connectWaitMs: durationAt(raw, "connectWait", 1_000),
      };
    case "redis":
      return {
        kind: "redis",
        url: stringAt(raw, "url", "redis://127.0.0.1:6379"),
        prefix: stringAt(raw, "prefix", "orion"),
        layout: raw.layout === "per-topic" ? "per-topic" : "events",
        maxLen: numberAt(raw, "maxLen", 10_000),
        claimIdleMs: durationAt(raw, "claimIdleMs", 30_000),
        maxDeliveries: numberAt(raw, "maxDeliveries", 5),
        blockMs: durationAt(raw, "blockMs", 1_000),
        batch: numberAt(raw, "batch", 100),
        dedupeWindow: numberAt(raw, "dedupeWindow", 10_000),
        pack: numberAt(raw, "pack", 1),
      };
    default:
      return { kind: "memory" };
  }
}

function normaliseContracts(raw: unknown, baseDir: string): ResolvedContractsConfig | undefined {
  if (!isObject(raw)) return undefined;
  const mode = raw.mode === "warn" || raw.mode === "off" ? raw.mode : "enforce";
  return { dir: path.resolve(baseDir, stringAt(raw, "dir", "contracts")), mode };
}

function normaliseBus(raw: RawObject): ResolvedBusConfig {
  const mailbox = objectAt(raw, "mailbox");
  const outbox = objectAt(raw, "outbox");
  return {
    mailbox: {
      capacity: numberAt(mailbox, "capacity", 10_000),
      overflow: stringAt(mailbox, "overflow", "drop-oldest") as ResolvedBusConfig["mailbox"]["overflow"],
    },
    outbox: {
      capacity: numberAt(outbox, "capacity", 100_000),
      overflow: stringAt(outbox, "overflow", "drop-oldest") as ResolvedBusConfig["outbox"]["overflow"],
    },
    maxPayloadBytes: numberAt(raw, "maxPayloadBytes", 4 * 1_048_576),
  };
}

function normaliseSupervisor(raw: RawObject, at: PathSegment[], issues: PendingIssue[]): SupervisorSpec {
  const backoff = objectAt(raw, "backoff");
  const periodMs = durationAt(raw, "period", 30_000);
  const minMs = durationAt(backoff, "min", 100);
  const maxMs = durationAt(backoff, "max", 30_000);
  if (minMs > maxMs) {
    const where = [...at, "backoff", "min"];
    issues.push({
      path: where,
      node: where,
      message: `backoff.min (${minMs} ms) is greater than backoff.max (${maxMs} ms): lower min or raise max`,
    });
  }
  return {
    strategy: stringAt(raw, "strategy", "one_for_one") as Strategy,
    intensity: numberAt(raw, "intensity", 5),
    periodMs,
    backoff: { minMs, maxMs, jitter: numberAt(backoff, "jitter", 0.2) },
    stableMs: durationAt(raw, "stable", periodMs),
  };
}

function normaliseChildren(raw: unknown, at: PathSegment[], context: NormaliseContext, issues: PendingIssue[]): ChildSpec[] {
  if (!Array.isArray(raw)) return [];
  const children: ChildSpec[] = [];
  const firstIndexOfId = new Map<string, number>();
  raw.forEach((entry: unknown, index) => {
    const here = [...at, index];
    if (!isObject(entry)) return;
    const id = stringAt(entry, "id", "");
    if (id !== "") {
      const first = firstIndexOfId.get(id);
      if (first === undefined) firstIndexOfId.set(id, index);
      else
        issues.push({
          path: [...here, "id"],
          node: [...here, "id"],
          message: `duplicate id '${id}': already used by ${formatPath([...at, first])}; ids must be unique among siblings`,
        });
    }
    const child = normaliseChild(entry, id, here, context, issues);
    if (child !== undefined) children.push(child);
  });
  return children;
}

function normaliseChild(
  raw: RawObject,
  id: string,
  at: PathSegment[],
  context: NormaliseContext,
  issues: PendingIssue[],
): ChildSpec | undefined {
  const restart = stringAt(raw, "restart", "permanent") as RestartType;
  if (raw.supervisor !== undefined) {
    const supervisor = normaliseSupervisor(objectAt(raw, "supervisor"), [...at, "supervisor"], issues);
    const children = normaliseChildren(raw.children, [...at, "children"], context, issues);
    // Children stop one by one in reverse order, so a supervisor needs the sum of their budgets.
    const needed = children.reduce((sum, child) => sum + child.shutdownMs, 0);
    const shutdownMs = durationAt(raw, "shutdown", Math.max(DEFAULT_SHUTDOWN_MS, needed));
    return { id, supervisor, children, restart, shutdownMs };
  }
  const kind = raw.kind;
  if (typeof kind !== "string") return undefined;
  const { definition, issue } = context.validator.resolveKind(kind, [...at, "kind"]);
  if (definition === undefined) {
    // Client tools (pub, sub, doctor) read transport and ops only: a plugin kind they never
    // loaded is not their problem, so its child is kept with its options unchecked.
    if (context.acceptUnknownKinds)
      return {
        id,
        kind,
        restart,
        shutdownMs: durationAt(raw, "shutdown", DEFAULT_SHUTDOWN_MS),
        options: isObject(raw.options) ? raw.options : {},
      };
    issues.push(issue);
    return undefined;
  }
  const rawOptions = raw.options === undefined ? {} : raw.options;
  if (!isObject(rawOptions)) return undefined;
  const { options, issues: optionIssues } = context.validator.validate(definition, rawOptions, [...at, "options"]);
  issues.push(...optionIssues);
  return { id, kind, restart, shutdownMs: durationAt(raw, "shutdown", DEFAULT_SHUTDOWN_MS), options };
}

/**
 * Normalises `raw` and collects the problems a JSON Schema cannot see.
 * @param raw the parsed config after schema validation with defaults applied.
 */
export function normaliseConfig(raw: RawObject, context: NormaliseContext): NormaliseResult {
  const issues: PendingIssue[] = [];
  const config: ResolvedConfig = {
    runtime: normaliseRuntime(objectAt(raw, "runtime"), context.baseDir),
    transport: normaliseTransport(objectAt(raw, "transport")),
    supervisor: normaliseSupervisor(objectAt(raw, "supervisor"), ["supervisor"], issues),
    children: normaliseChildren(raw.children, ["children"], context, issues),
    bus: normaliseBus(objectAt(raw, "bus")),
  };
  const contracts = normaliseContracts(raw.contracts, context.baseDir);
  if (contracts !== undefined) config.contracts = contracts;
  return { config, issues };
}
