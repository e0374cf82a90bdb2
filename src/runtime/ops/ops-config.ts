/**
 * The `runtime.ops` section of a config (the ops HTTP server): its JSON Schema (the one source of
 * its defaults), the input type users write and the resolved type.
 */
import type { SchemaDefs } from "../../common/config-schema.js";

/** Schema of the `runtime.ops` section, referred to as `#/$defs/ops`. */
export const OPS_SCHEMA_DEFS = {
  ops: {
    type: "object",
    additionalProperties: false,
    properties: {
      enabled: {
        type: "boolean",
        default: true,
        description: "In an object config (createRuntime({ config: {...} })) the server runs only when runtime.ops is given.",
      },
      host: { type: "string", minLength: 1, default: "127.0.0.1" },
      port: { type: "integer", minimum: 0, maximum: 65535, default: 8001, description: "0 binds an ephemeral port." },
      token: { type: "string", description: "Bearer token required for POST from beyond loopback; empty means none." },
      maxBodyBytes: { type: "integer", minimum: 1, default: 1048576 },
    },
  },
} as const satisfies SchemaDefs;

/**
 * The ops HTTP server (`/health`, `/metrics`, `/actors`, `/publish`, `/subscribe`, actor routes)
 * as users write it. A config FILE runs it unless `enabled: false`; an OBJECT config given to
 * `createRuntime` runs it only when it has this section (so several runtimes fit in one process).
 */
export interface OpsConfig {
  /**
   * Run the server. In an object config, leaving out `runtime.ops` altogether also turns it off.
   * @defaultValue `true`
   */
  enabled?: boolean;
  /**
   * Interface to bind; anything but loopback requires `token`.
   * @defaultValue `"127.0.0.1"`
   */
  host?: string;
  /**
   * Port to bind; 0 binds an ephemeral one (read it from `runtime.opsAddress`).
   * @defaultValue `8001`
   */
  port?: number;
  /** Bearer token required for POST from beyond loopback; empty or absent means none. */
  token?: string;
  /**
   * Largest accepted request body, in bytes.
   * @defaultValue `1048576`
   */
  maxBodyBytes?: number;
}

/** The ops server section with its defaults filled in. */
export interface ResolvedOpsConfig {
  host: string;
  /** 0 = ephemeral (the bound port is logged). */
  port: number;
  enabled: boolean;
  /** Bearer token required for POST from beyond loopback. */
  token?: string;
  /** Largest accepted request body. */
  maxBodyBytes: number;
}

/** The resolved form of an ops section the schema has checked and filled with defaults. */
export function toResolvedOps(validated: OpsConfig): ResolvedOpsConfig {
  const { token, ...rest } = validated as Required<OpsConfig>;
  // `token: ${PLEXUS_TOKEN:-}` with the variable unset means "no token", not "the empty token".
  return { ...rest, ...(typeof token === "string" && token !== "" ? { token } : {}) };
}
