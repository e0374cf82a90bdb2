/** Normalised configuration: durations are milliseconds, defaults are filled in. */
import type { ResolvedBusConfig, ResolvedContractsConfig } from "../../transports/bus/bus-config.js";
import type { ResolvedTransportConfig } from "../../transports/transport-config.js";
import type { ResolvedOpsConfig } from "../ops/ops-config.js";
import type { ChildSpec, SupervisorSpec } from "../supervision/child-spec.js";

/** The `runtime` section, normalised. */
export interface ResolvedRuntimeSection {
  name: string;
  ops: ResolvedOpsConfig;
  stateDir: string;
  log: { level: string };
}

/** A whole config, normalised: what `loadConfig` returns and `runtime.config` holds. */
export interface ResolvedConfig {
  runtime: ResolvedRuntimeSection;
  transport: ResolvedTransportConfig;
  supervisor: SupervisorSpec;
  children: ChildSpec[];
  contracts?: ResolvedContractsConfig;
  bus: ResolvedBusConfig;
  /** Absolute path of the file this came from, when it came from a file. */
  source?: string;
}
