import { describe, expect, it } from "vitest";
import type { ActorStateStore } from "../../../src/runtime/actor-context.js";
import { persistenceInterval, saveDelay, SnapshotPersister } from "../../../src/runtime/hosting/snapshot-persister.js";
import { SimulatedClock } from "../../../src/testing/simulated-clock.js";
import { silentLogger } from "../../../src/common/logger.js";
import { waitFor } from "../../helpers/wait.js";
import { RecordingLogger } from "../recording-logger.js";

/** A store whose saves finish only when the test releases them. */
function gatedStore() {
  const saved: unknown[] = [];
  const gates: Array<() => void> = [];
  const store: ActorStateStore = {
    load: async () => undefined,
    save: (value) =>
      new Promise<void>((resolve) =>
        gates.push(() => {
          saved.push(value);
          resolve();
        }),
      ),
  };
  return {
    store,
    saved,
    openGate: () => gates.shift()?.(),
    get waiting() {
      return gates.length;
    },
  };
}

describe("persistence settings", () => {
  it("resolves persist to an interval, or none", () => {
    expect(persistenceInterval(undefined)).toBeUndefined();
    expect(persistenceInterval(false)).toBeUndefined();
    expect(persistenceInterval(true)).toBe(1_000);
    expect(persistenceInterval({})).toBe(1_000);
    expect(persistenceInterval({ everyMs: 0 })).toBe(0);
  });

  it("waits out the rest of the interval since the last save", () => {
    expect(saveDelay(100, Number.NEGATIVE_INFINITY, 1_000)).toBe(0);
    expect(saveDelay(1_100, 100, 1_000)).toBe(0);
    expect(saveDelay(400, 100, 1_000)).toBe(700);
    expect(saveDelay(400, 100, 0)).toBe(0);
  });
});

describe("SnapshotPersister", () => {
  it("saves at once, then at most once per interval with a trailing save of the latest snapshot", async () => {
    const clock = new SimulatedClock();
    const gated = gatedStore();
    let current = "s1";
    const persister = new SnapshotPersister(gated.store, 1_000, () => current, silentLogger(), clock);
    persister.changed();
    await waitFor(() => gated.waiting === 1, "the first save to begin");
    current = "s2";
    persister.changed();
    current = "s3";
    persister.changed();
    gated.openGate();
    await waitFor(() => clock.pending === 1, "the trailing save to be scheduled");
    expect(gated.saved).toEqual(["s1"]);
    clock.advance(999);
    expect(clock.pending).toBe(1);
    clock.advance(1);
    await waitFor(() => gated.waiting === 1, "the trailing save to begin");
    gated.openGate();
    await waitFor(() => gated.saved.length === 2, "the trailing save");
    expect(gated.saved).toEqual(["s1", "s3"]);
    expect(clock.pending).toBe(0);
  });

  it("finish cancels the pending save, waits for the one in flight, then saves the final snapshot", async () => {
    const clock = new SimulatedClock();
    const gated = gatedStore();
    let current = "s1";
    const persister = new SnapshotPersister(gated.store, 1_000, () => current, silentLogger(), clock);
    persister.changed();
    await waitFor(() => gated.waiting === 1, "the first save to begin");
    current = "s2";
    persister.changed();
    const finished = persister.finish("final");
    gated.openGate();
    await waitFor(() => gated.waiting === 1, "the final save to begin");
    gated.openGate();
    await finished;
    expect(gated.saved).toEqual(["s1", "final"]);
    expect(clock.pending).toBe(0);
    persister.changed();
    expect(gated.waiting).toBe(0);
  });

  it("logs a failed periodic save and keeps going; a failed final save rejects", async () => {
    const clock = new SimulatedClock();
    const log = new RecordingLogger();
    let fail = true;
    const store: ActorStateStore = {
      load: async () => undefined,
      save: async () => {
        if (fail) throw new Error("disk full");
      },
    };
    const persister = new SnapshotPersister(store, 0, () => "s", log, clock);
    persister.changed();
    await waitFor(() => log.find("warn", /saving the machine snapshot failed/).length === 1, "the warning");
    await expect(persister.finish("final")).rejects.toThrow("disk full");
    fail = false;
  });
});
