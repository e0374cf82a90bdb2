import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach } from "vitest";
import type { Runtime } from "../../src/index.js";

/** The runtime a test starts and the state directories it makes, released after each test. */
export interface RuntimeScope {
  /** Set by the test; stopped (and cleared) after it. */
  runtime: Runtime | undefined;
  /** A new empty directory under the system temp dir, removed after the test. */
  stateDir(): Promise<string>;
}

/** Registers an `afterEach` that stops the scope's runtime, then removes its state directories. */
export function runtimeScope(prefix: string): RuntimeScope {
  const dirs: string[] = [];
  const scope: RuntimeScope = {
    runtime: undefined,
    async stateDir() {
      const dir = await mkdtemp(join(tmpdir(), prefix));
      dirs.push(dir);
      return dir;
    },
  };
  afterEach(async () => {
    await scope.runtime?.stop();
    scope.runtime = undefined;
    await Promise.all(dirs.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
  });
  return scope;
}
