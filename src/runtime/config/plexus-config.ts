/** Normalised configuration: durations are milliseconds, defaults are filled in. */
import type { BusConfig, ContractsConfig } from "../../transports/bus/bus-config.js";
import type { TransportConfig } from "../../transports/transport-config.js";
import type { OpsConfig } from "../ops/ops-config.js";
import type { ChildSpec, SupervisorSpec } from "../supervision/child-spec.js";

export interface RuntimeSection {
  name: string;
  ops: OpsConfig;
  stateDir: string;
  log: { level: string };
}

export interface PlexusConfig {
  runtime: RuntimeSection;
  transport: TransportConfig;
  supervisor: SupervisorSpec;
  children: ChildSpec[];
  contracts?: ContractsConfig;
  bus: BusConfig;
  /** Absolute path of the file this came from, when it came from a file. */
  source?: string;
}
