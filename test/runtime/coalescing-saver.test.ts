import { describe, expect, it } from "vitest";
import pino from "pino";
import { coalescingSaver } from "../../src/runtime/coalescing-saver.js";
import type { ActorStateStore } from "../../src/runtime/actor-context.js";

function recordingStore(failFirst: number): ActorStateStore & { saved: unknown[] } {
  let failures = failFirst;
  const saved: unknown[] = [];
  return {
    saved,
    load: () => Promise.resolve(undefined),
    async save(value) {
      await Promise.resolve();
      if (failures-- > 0) throw new Error("disk full");
      saved.push(value);
    },
  };
}

describe("coalescingSaver", () => {
  it("coalesces changes made during a save into one more save, and writes nothing when nothing changed", async () => {
    const store = recordingStore(0);
    let version = 0;
    const saver = coalescingSaver(store, pino({ level: "silent" }), "test state", () => version);
    await saver.flush();
    expect(store.saved).toEqual([]);
    version = 1;
    saver.request();
    version = 2;
    saver.request();
    version = 3;
    saver.request();
    await saver.flush();
    expect(store.saved.at(-1)).toBe(3);
    expect(store.saved.length).toBeLessThanOrEqual(2);
  });

  it("retries a failed save on flush, so the last change reaches the store", async () => {
    const store = recordingStore(1);
    const saver = coalescingSaver(store, pino({ level: "silent" }), "test state", () => "latest");
    saver.request();
    await saver.flush();
    expect(store.saved).toEqual(["latest"]);
  });
});
