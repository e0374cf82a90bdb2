/**
 * Turns a raw config that the whole-config schema has checked and filled with defaults into the
 * `ResolvedConfig`, through the same section resolvers programmatic callers use: durations in
 * milliseconds, paths absolute, child kinds resolved and their options validated. Also collects
 * what a schema cannot express (duplicate sibling ids, unknown kinds, `backoff.min > backoff.max`).
 *
 * The supervision tree is walked even when the schema found problems, so that every issue is
 * reported in one pass; the other sections are only resolved from a valid document.
 */
import type { PendingIssue } from "../../common/config-error.js";
import { toResolvedBus, toResolvedContracts } from "../../transports/bus/bus-config.js";
import type { BusConfig, ContractsConfig } from "../../transports/bus/bus-config.js";
import { toResolvedTransport } from "../../transports/transport-config.js";
import type { TransportConfig } from "../../transports/transport-config.js";
import { toResolvedChildren, toResolvedSupervisor } from "../supervision/resolve-child.js";
import type { ChildResolveContext } from "../supervision/resolve-child.js";
import type { PlexusConfig, ResolvedConfig } from "./plexus-config.js";
import { isLoopbackHost } from "../ops/auth.js";
import { toResolvedRuntime } from "./runtime-config.js";
import type { RuntimeConfig } from "./runtime-config.js";

/** What normalising needs besides the raw config. */
export interface NormaliseContext extends ChildResolveContext {
  /** Directory that relative paths (stateDir, contracts.dir) are resolved against. */
  baseDir: string;
  /** Whether the schema accepted the document (then every default is in place). */
  schemaValid: boolean;
  /** Report a `runtime.ops` binding the ops server would refuse; off for callers that never start it. */
  checkOpsBinding: boolean;
}

/** The resolved config (absent when the schema rejected the document) and every problem found. */
export interface NormaliseResult {
  config: ResolvedConfig | undefined;
  issues: PendingIssue[];
}

/**
 * Resolves `raw` and collects the problems a JSON Schema cannot see.
 * @param raw the parsed config after schema validation with defaults applied.
 */
export function normaliseConfig(raw: PlexusConfig, context: NormaliseContext): NormaliseResult {
  const issues: PendingIssue[] = [];
  const supervisor = toResolvedSupervisor(raw.supervisor, ["supervisor"], issues);
  const children = toResolvedChildren(raw.children, ["children"], context, issues);
  if (!context.schemaValid) return { config: undefined, issues };
  const config: ResolvedConfig = {
    runtime: toResolvedRuntime(raw.runtime as RuntimeConfig, context.baseDir),
    transport: toResolvedTransport(raw.transport as TransportConfig),
    supervisor,
    children,
    bus: toResolvedBus(raw.bus as BusConfig),
  };
  if (raw.contracts !== undefined) config.contracts = toResolvedContracts(raw.contracts as ContractsConfig, context.baseDir);
  const ops = config.runtime.ops;
  // The ops server refuses this binding too; found here, it is a config error with its line.
  if (context.checkOpsBinding && ops.enabled && !isLoopbackHost(ops.host) && ops.token === undefined) {
    const at = ["runtime", "ops", "host"];
    issues.push({
      path: at,
      node: at,
      message: `the ops server would listen on ${ops.host}, reachable from the network, without runtime.ops.token: set a token (e.g. token: \${PLEXUS_OPS_TOKEN}) or bind to 127.0.0.1`,
    });
  }
  return { config, issues };
}
