import type { ActorContext } from "../actor-context.js";
import type { AnyActorDefinition } from "../define-actor.js";
import type { ChildSpec, SupervisorChildSpec, WorkerChildSpec } from "./child-spec.js";
import { PlexusError } from "../../common/errors.js";
import type { ActorTreeNode, LifecycleEvent, LifecycleState } from "../lifecycle-types.js";
import type { Logger } from "../../common/logger.js";
import { Supervisor } from "./supervisor.js";
import { validateChildSpec } from "./child-spec-validation.js";

export interface SupervisionTreeOptions {
  /** The top supervisor; its id ("root" by convention) starts every path. */
  root: SupervisorChildSpec;
  kinds: ReadonlyMap<string, AnyActorDefinition>;
  /** Builds the ActorContext for a worker; the tree supplies signal and fail. */
  makeContext(input: { spec: WorkerChildSpec; path: string; signal: AbortSignal; fail: (e: unknown) => void }): ActorContext;
  onLifecycle(event: LifecycleEvent): void;
  /** A worker at `path` left its supervisor for good (see SupervisionEnvironment.onChildRemoved). */
  onChildRemoved?(path: string): void;
  log: Logger;
  /** Monotonic clock in ms; default `performance.now`. For tests. */
  now?: () => number;
  /** Uniform random in [0, 1) for backoff jitter; default `Math.random`. For tests. */
  random?: () => number;
}

export interface SupervisionTree {
  /** Resolves when all children are running; rejects if the root fails to start. */
  start(): Promise<void>;
  /** Ordered reverse stop; idempotent. */
  stop(): Promise<void>;
  /** The live tree. */
  tree(): ActorTreeNode;
  /** Resolves when the root stops: `reason` is set when it failed (escalated past the root). */
  readonly done: Promise<{ reason?: Error }>;
  /** Adds and starts a child under the supervisor at `supervisorPath` (e.g. `root/group-a`). */
  startChild(supervisorPath: string, spec: ChildSpec): Promise<void>;
  /** Stops and removes the child `id` of the supervisor at `supervisorPath`. */
  stopChild(supervisorPath: string, id: string): Promise<void>;
}

/**
 * Builds the supervision tree of a runtime from its root supervisor spec. The whole tree is
 * validated first (ids, kinds, numbers), so a bad config fails before anything starts.
 */
export function createSupervisionTree(options: SupervisionTreeOptions): SupervisionTree {
  validateChildSpec(options.root, undefined, options.kinds);
  const rootPath = options.root.id;
  let rootState: LifecycleState = "stopped";
  let rootError: string | undefined;
  let resolveDone!: (result: { reason?: Error }) => void;
  const done = new Promise<{ reason?: Error }>((resolve) => (resolveDone = resolve));

  const root = new Supervisor(
    options.root,
    rootPath,
    {
      kinds: options.kinds,
      makeContext: options.makeContext,
      onLifecycle: options.onLifecycle,
      ...(options.onChildRemoved ? { onChildRemoved: options.onChildRemoved } : {}),
      log: options.log,
      now: options.now ?? (() => performance.now()),
      random: options.random ?? Math.random,
    },
    {
      report(state, error) {
        rootState = state;
        if (error !== undefined) rootError = error.message;
        options.onLifecycle({ id: options.root.id, path: rootPath, state, restarts: 0, ...(error ? { error } : {}) });
      },
      exited(exit) {
        if (exit.reason === "failure") {
          options.log.error({ supervisor: rootPath, err: exit.error }, "the root supervisor failed; the tree is down");
          resolveDone({ reason: exit.error });
        } else {
          resolveDone({});
        }
      },
    },
  );

  let starting: Promise<void> | undefined;
  let stopping: Promise<void> | undefined;

  function supervisorAt(path: string): Supervisor {
    const ids = path.split("/").filter((id) => id.length > 0);
    const found = ids[0] === rootPath ? root.findSupervisor(ids.slice(1)) : undefined;
    if (found === undefined) {
      throw new PlexusError(
        "UNKNOWN_SUPERVISOR",
        `no running supervisor at "${path}"; paths start with "${rootPath}", e.g. "${rootPath}/group-a"`,
        { retryable: false },
      );
    }
    return found;
  }

  return {
    start() {
      starting ??= root.start();
      return starting;
    },
    stop() {
      stopping ??= root.stop();
      return stopping;
    },
    tree() {
      const node: ActorTreeNode = {
        id: options.root.id,
        path: rootPath,
        type: "supervisor",
        kind: options.root.supervisor.strategy,
        state: rootState,
        restarts: 0,
        children: root.childNodes(),
      };
      if (rootError !== undefined) node.lastError = rootError;
      return node;
    },
    done,
    async startChild(supervisorPath, spec) {
      await supervisorAt(supervisorPath).startChild(spec);
    },
    async stopChild(supervisorPath, id) {
      await supervisorAt(supervisorPath).stopChild(id);
    },
  };
}
