import type { ActorStateStore } from "../runtime/actor-context.js";

/**
 * An in-memory state store (no files) that copies on save and load, as the file store's JSON
 * round trip does. Pass one store to several contexts to test that state survives a restart.
 */
export function createMemoryStateStore(): ActorStateStore {
  let saved: unknown;
  return {
    async load<T>(): Promise<T | undefined> {
      return structuredClone(saved) as T | undefined;
    },
    async save(value: unknown): Promise<void> {
      saved = structuredClone(value);
    },
  };
}
