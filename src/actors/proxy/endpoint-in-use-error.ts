import { PlexusError } from "../../common/errors.js";
import type { EndpointHolder } from "./endpoint-holder.js";

/**
 * A proxy endpoint is already bound by someone else. Not retryable: restarting cannot free a port
 * another process owns, so the supervisor escalates at once instead of crash-looping (two proxy
 * services configured on the same ports would otherwise restart each other forever).
 */
export class EndpointInUseError extends PlexusError {
  readonly endpoint: string;
  readonly holder: EndpointHolder | undefined;

  constructor(endpoint: string, holder: EndpointHolder | undefined, cause?: unknown) {
    const who = holder !== undefined ? `pid ${holder.pid} (${holder.command})` : "another process (its pid is not visible in /proc)";
    super(
      "ENDPOINT_IN_USE",
      `Cannot bind ${endpoint}: it is already bound by ${who}. Stop that process, choose another endpoint, or set ifBound: join to use the proxy that owns it.`,
      { retryable: false, cause },
    );
    this.endpoint = endpoint;
    this.holder = holder;
  }
}
