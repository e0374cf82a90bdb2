import type { ActorTreeNode, LifecycleState } from "./lifecycle-types.js";
import { flatten } from "./runtime-metrics.js";

/** What a runtime reports about itself to the ops server. */
export interface RuntimeHealth {
  /** True while the root supervisor runs. */
  ok: boolean;
  /** True when the runtime accepts work (every child started). */
  ready: boolean;
  state: string;
  /** Why the runtime failed, when it did. */
  reason?: string;
}

/** One actor in the `/health` body. */
export interface ActorHealth {
  path: string;
  kind: string;
  state: LifecycleState;
  restarts: number;
  lastError?: string;
}

/** Body of `GET /health`. */
export interface HealthBody extends RuntimeHealth {
  name: string;
  actors: ActorHealth[];
}

/** The `/health` body: runtime state plus every actor of the tree, flattened depth first. */
export function healthBody(name: string, health: RuntimeHealth, tree: ActorTreeNode): HealthBody {
  const actors = flatten(tree).map((node) => ({
    path: node.path,
    kind: node.kind,
    state: node.state,
    restarts: node.restarts,
    ...(node.lastError === undefined ? {} : { lastError: node.lastError }),
  }));
  return { name, ...health, actors };
}
