import type { ActorStatus, OpsRoutes } from "../runtime/actor-context.js";

/** Ops routes for tests: `mounted` holds `METHOD path` of every route mounted and not yet removed. */
export interface TestOpsRoutes extends OpsRoutes {
  readonly mounted: Set<string>;
  /** What the actor reports through `status(provider)` right now, or undefined when it reports nothing. */
  currentStatus(): ActorStatus | undefined;
}

/** Ops routes that accept mounts and remember them, for asserting an actor mounts and unmounts. */
export function createTestOpsRoutes(): TestOpsRoutes {
  const mounted = new Set<string>();
  let reported: (() => ActorStatus) | undefined;
  return {
    mounted,
    route(method, path) {
      const key = `${method} ${path}`;
      mounted.add(key);
      return () => mounted.delete(key);
    },
    status(provider) {
      reported = provider;
      return () => {
        if (reported === provider) reported = undefined;
      };
    },
    currentStatus: () => reported?.(),
  };
}
