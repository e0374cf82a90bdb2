import type { ActorTreeNode } from "./lifecycle-types.js";
import type { Metrics } from "../common/metrics.js";

/** Exposes the supervision tree in /metrics: restarts and up/down per actor, read at scrape time. */
export function registerRuntimeMetrics(metrics: Metrics, tree: () => ActorTreeNode): void {
  metrics.gauge("actor_restarts", "restarts of each actor since the runtime started", ["path", "kind"], (gauge) => {
    gauge.reset();
    for (const node of flatten(tree())) gauge.set({ path: node.path, kind: node.kind }, node.restarts);
  });
  metrics.gauge("actor_running", "1 when the actor is running, else 0", ["path", "kind", "state"], (gauge) => {
    gauge.reset();
    for (const node of flatten(tree()))
      gauge.set({ path: node.path, kind: node.kind, state: node.state }, node.state === "running" ? 1 : 0);
  });
}

/** Every node of the tree, depth first. */
export function flatten(node: ActorTreeNode): ActorTreeNode[] {
  return [node, ...(node.children ?? []).flatMap(flatten)];
}
