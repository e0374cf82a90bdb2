/**
 * A whole plexus config: the schema composed from every layer's section schemas (the generated
 * `config/plexus.schema.json` is this object), the input type users write (`PlexusConfig`) and the
 * resolved one (`ResolvedConfig`: durations in milliseconds, defaults filled in).
 */
import { mergeDefs } from "../../common/config-schema.js";
import type { JsonSchema } from "../../common/config-schema.js";
import { DURATION_SCHEMA } from "../../common/durations.js";
import { BUS_SCHEMA_DEFS } from "../../transports/bus/bus-config.js";
import type { BusConfig, ContractsConfig, ResolvedBusConfig, ResolvedContractsConfig } from "../../transports/bus/bus-config.js";
import { TRANSPORT_SCHEMA_DEFS } from "../../transports/transport-config.js";
import type { ResolvedTransportConfig, TransportConfig } from "../../transports/transport-config.js";
import { CHILD_SCHEMA_DEFS } from "../supervision/child-config.js";
import type { ChildConfig, SupervisorConfig } from "../supervision/child-config.js";
import type { ChildSpec, SupervisorSpec } from "../supervision/child-spec.js";
import { RUNTIME_SCHEMA_DEFS } from "./runtime-config.js";
import type { ResolvedRuntimeConfig, RuntimeConfig } from "./runtime-config.js";

/** The JSON Schema (draft 2020-12) of a whole config, as written to `config/plexus.schema.json`. */
export const PLEXUS_CONFIG_SCHEMA = {
  $schema: "https://json-schema.org/draft/2020-12/schema",
  title: "plexus config",
  description:
    'A plexus runtime: its ops server, transport, contracts, bus bounds and supervision tree. Durations are a number of milliseconds or strings such as "250ms", "30s", "5m", "1h". Values may use ${VAR} and ${VAR:-default}.',
  type: "object",
  additionalProperties: false,
  properties: {
    $schema: { type: "string", description: "Where editors find this schema." },
    runtime: { $ref: "#/$defs/runtime", default: {} },
    transport: { $ref: "#/$defs/transport", default: { kind: "memory" } },
    contracts: { $ref: "#/$defs/contracts" },
    bus: { $ref: "#/$defs/bus", default: {} },
    supervisor: { $ref: "#/$defs/supervisor", default: {} },
    children: { $ref: "#/$defs/children", default: [] },
  },
  $defs: mergeDefs({ duration: DURATION_SCHEMA }, RUNTIME_SCHEMA_DEFS, TRANSPORT_SCHEMA_DEFS, BUS_SCHEMA_DEFS, CHILD_SCHEMA_DEFS),
} as const satisfies JsonSchema;

/**
 * A whole config as users write it: in YAML or JSON, or as an object given to `createRuntime`.
 * Every section may be left out.
 */
export interface PlexusConfig {
  /** Where editors find the schema (`config/plexus.schema.json`); ignored by plexus. */
  $schema?: string;
  /**
   * Name, ops server, state directory, log level; left out, every key has its default (an object
   * config then runs no ops server, see `OpsConfig`).
   * @defaultValue `{}`
   */
  runtime?: RuntimeConfig;
  /**
   * How envelopes travel between processes.
   * @defaultValue `{ "kind": "memory" }`
   */
  transport?: TransportConfig;
  /** JSON Schema contracts for topics; absent = none checked. */
  contracts?: ContractsConfig;
  /**
   * Mailbox, outbox and payload bounds.
   * @defaultValue `{}`
   */
  bus?: BusConfig;
  /**
   * The root supervisor.
   * @defaultValue `{}`
   */
  supervisor?: SupervisorConfig;
  /**
   * The root supervisor's children, started in order.
   * @defaultValue `[]`
   */
  children?: ChildConfig[];
}

/** A whole config, resolved: durations are milliseconds, defaults are filled in, paths absolute. */
export interface ResolvedConfig {
  runtime: ResolvedRuntimeConfig;
  transport: ResolvedTransportConfig;
  supervisor: SupervisorSpec;
  children: ChildSpec[];
  contracts?: ResolvedContractsConfig;
  bus: ResolvedBusConfig;
  /** Absolute path of the file this came from, when it came from a file. */
  source?: string;
}
