import { builtinKinds } from "./actors/builtin-kinds.js";
import { PlexusRuntime } from "./runtime/plexus-runtime.js";
import type { Runtime, RuntimeOptions } from "./runtime/runtime.js";

/**
 * Creates a runtime that knows the built-in kinds (`heartbeat`, `proxy`) and `options.kinds`;
 * nothing happens until `start()`. Lives here, above `runtime/` and `actors/`, so that the kernel
 * knows nothing of specific actors.
 */
export function createRuntime(options: RuntimeOptions): Runtime {
  return new PlexusRuntime(options, builtinKinds);
}
