import type { BusStats } from "../../transports/bus/bus.js";
import type { TransportStats } from "../../transports/transport-stats.js";
import type { ActorStatus } from "../actor-context.js";
import type { ActorTreeNode, LifecycleState } from "../lifecycle-types.js";
import { flatten } from "../runtime-metrics.js";

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
  /** What the actor reports about itself, when it does (`ctx.ops.status`). */
  status?: ActorStatus;
}

/** Body of `GET /health`. */
export interface HealthBody extends RuntimeHealth {
  name: string;
  actors: ActorHealth[];
  /** Bus counters (published, delivered, drops by reason, dead letters, outbox). */
  bus?: Omit<BusStats, "transport" | "mailboxDepths">;
  /** The transport's connection, counters, drops per socket/stream and (redis) group lag/pending. */
  transport?: TransportStats;
}

/** The `/health` body: runtime state plus every actor of the tree, flattened depth first. */
export function healthBody(
  name: string,
  health: RuntimeHealth,
  tree: ActorTreeNode,
  stats?: BusStats,
  statusOf: (path: string) => ActorStatus | undefined = () => undefined,
): HealthBody {
  const actors = flatten(tree).map((node) => {
    const status = reportedStatus(statusOf, node.path);
    return {
      path: node.path,
      kind: node.kind,
      state: node.state,
      restarts: node.restarts,
      ...(node.lastError === undefined ? {} : { lastError: node.lastError }),
      ...(status === undefined ? {} : { status }),
    };
  });
  if (stats === undefined) return { name, ...health, actors };
  const { transport, mailboxDepths: _depths, ...bus } = stats;
  return { name, ...health, actors, bus, transport };
}

/** An actor's status; a provider that throws reports the error instead of failing `/health`. */
function reportedStatus(statusOf: (path: string) => ActorStatus | undefined, path: string): ActorStatus | undefined {
  try {
    return statusOf(path);
  } catch (error) {
    return { error: `status unavailable: ${error instanceof Error ? error.message : String(error)}` };
  }
}
