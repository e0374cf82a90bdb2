/** Bus and contracts sections of a config, normalised. */

export type ContractMode = "enforce" | "warn" | "off";

/** The `contracts` section, normalised. */
export interface ResolvedContractsConfig {
  /** Absolute path of the directory of JSON Schema files. */
  dir: string;
  mode: ContractMode;
}

/** The `bus` section, normalised. */
export interface ResolvedBusConfig {
  mailbox: { capacity: number; overflow: "block" | "drop-oldest" | "drop-newest" | "reject" };
  outbox: { capacity: number; overflow: "drop-oldest" | "drop-newest" | "reject" };
  maxPayloadBytes: number;
}
