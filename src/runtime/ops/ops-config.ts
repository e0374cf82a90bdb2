/** The ops HTTP server section of a config, normalised. */
export interface ResolvedOpsConfig {
  /** Default 127.0.0.1. */
  host: string;
  /** 0 = ephemeral (the bound port is logged); `false`-y `enabled` turns the server off. */
  port: number;
  enabled: boolean;
  /** Bearer token required for POST from beyond loopback. */
  token?: string;
  /** Largest accepted request body. Default 1 MiB. */
  maxBodyBytes: number;
}
