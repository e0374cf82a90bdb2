import type { OpsRoutes } from "../runtime/actor-context.js";

/** Ops routes for tests: `mounted` holds `METHOD path` of every route mounted and not yet removed. */
export interface TestOpsRoutes extends OpsRoutes {
  readonly mounted: Set<string>;
}

/** Ops routes that accept mounts and remember them, for asserting an actor mounts and unmounts. */
export function createTestOpsRoutes(): TestOpsRoutes {
  const mounted = new Set<string>();
  return {
    mounted,
    route(method, path) {
      const key = `${method} ${path}`;
      mounted.add(key);
      return () => mounted.delete(key);
    },
  };
}
