import { mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pino } from "pino";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { snapshotFileName, stateChecksum, StateStore, STATE_FORMAT } from "../../src/runtime/state-store.js";

/** A logger that keeps its records, so tests can assert on warnings. */
function recordingLogger() {
  const records: Array<Record<string, unknown>> = [];
  const logger = pino({ level: "debug" }, { write: (line: string) => records.push(JSON.parse(line) as Record<string, unknown>) });
  return { logger, records };
}

describe("StateStore", () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), "plexus-state-"));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("round-trips a value and writes the documented snapshot layout", async () => {
    const { logger } = recordingLogger();
    const store = new StateStore(dir, logger).forActor("root/monitors/integration");
    expect(await store.load()).toBeUndefined();
    const value = { seen: ["a.ts", "b.py"], count: 2, nested: { ok: true, text: 'é \u2028 "q"' } };
    await store.save(value);
    expect(await store.load()).toEqual(value);

    const file = join(dir, snapshotFileName("root/monitors/integration"));
    const snapshot = JSON.parse(await readFile(file, "utf8")) as Record<string, unknown>;
    expect(snapshot.format).toBe(STATE_FORMAT);
    expect(snapshot.actor).toBe("root/monitors/integration");
    expect(typeof snapshot.savedAt).toBe("string");
    expect(snapshot.checksum).toBe(stateChecksum(JSON.stringify(value)));
    // A fresh store over the same dir (a restarted runtime) sees the same value.
    expect(await new StateStore(dir, logger).forActor("root/monitors/integration").load()).toEqual(value);
  });

  it("escapes actor paths into distinct, slash-free file names", () => {
    const names = ["root/a", "root%2Fa", "root/a.b", "../etc", "root/ü"].map(snapshotFileName);
    expect(new Set(names).size).toBe(names.length);
    for (const name of names) {
      expect(name).not.toContain("/");
      expect(name.startsWith(".")).toBe(false);
    }
  });

  it("moves a file with bad JSON aside with a warning and loads undefined", async () => {
    const { logger, records } = recordingLogger();
    const store = new StateStore(dir, logger).forActor("root/x");
    await writeFile(join(dir, snapshotFileName("root/x")), "{ not json");
    expect(await store.load()).toBeUndefined();
    const files = await readdir(dir);
    expect(files.some((f) => f.startsWith(`${snapshotFileName("root/x")}.corrupt-`))).toBe(true);
    expect(files).not.toContain(snapshotFileName("root/x"));
    expect(records.some((r) => r.level === 40 && String(r.msg).includes("not valid JSON"))).toBe(true);
    // The next save works normally after the bad file was set aside.
    await store.save({ v: 1 });
    expect(await store.load()).toEqual({ v: 1 });
  });

  it("moves foreign-format, other-actor and checksum-mismatch snapshots aside", async () => {
    const { logger, records } = recordingLogger();
    const cases: Array<[string, unknown, string]> = [
      ["root/foreign", { format: "something-else/2", actor: "root/foreign", value: 1 }, "format"],
      [
        "root/other",
        { format: STATE_FORMAT, actor: "root/someone-else", savedAt: "", checksum: stateChecksum("1"), value: 1 },
        "belongs to actor",
      ],
      [
        "root/edited",
        { format: STATE_FORMAT, actor: "root/edited", savedAt: "", checksum: stateChecksum("1"), value: 2 },
        "checksum mismatch",
      ],
    ];
    for (const [actor, content, reason] of cases) {
      await writeFile(join(dir, snapshotFileName(actor)), JSON.stringify(content));
      expect(await new StateStore(dir, logger).forActor(actor).load()).toBeUndefined();
      expect(records.some((r) => String(r.reason).includes(reason))).toBe(true);
      const files = await readdir(dir);
      expect(files.filter((f) => f.startsWith(`${snapshotFileName(actor)}.corrupt-`))).toHaveLength(1);
    }
  });

  it("concurrent saves leave one valid snapshot (the last one) and no temp files", async () => {
    const { logger } = recordingLogger();
    const first = new StateStore(dir, logger).forActor("root/busy");
    const second = new StateStore(dir, logger).forActor("root/busy");
    const saves: Array<Promise<void>> = [];
    for (let i = 0; i < 50; i++) saves.push((i % 2 === 0 ? first : second).save({ i, padding: "x".repeat(i * 100) }));
    await Promise.all(saves);
    const loaded = await first.load<{ i: number }>();
    expect(loaded).toBeDefined();
    expect(loaded!.i).toBeGreaterThanOrEqual(0);
    // Within one store, saves are ordered: its last save is what it wrote last.
    await first.save({ i: 999 });
    expect(await second.load()).toEqual({ i: 999 });
    expect((await readdir(dir)).filter((f) => f.endsWith(".tmp"))).toEqual([]);
    expect(await readdir(dir)).toEqual([snapshotFileName("root/busy")]);
  });

  it("rejects values that are not JSON and leaves no temp file", async () => {
    const store = new StateStore(dir, recordingLogger().logger).forActor("root/bad");
    await expect(store.save(undefined)).rejects.toThrow(/not JSON-serialisable/);
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    await expect(store.save(cyclic)).rejects.toThrow(/root\/bad/);
    await store.save(null);
    expect(await store.load()).toBeNull();
    expect(await readdir(dir)).toEqual([snapshotFileName("root/bad")]);
  });

  it("reports an unwritable directory with the path and what to do", async () => {
    const blocker = join(dir, "file-not-dir");
    await writeFile(blocker, "");
    const store = new StateStore(join(blocker, "state"), recordingLogger().logger).forActor("root/a");
    await expect(store.save({})).rejects.toThrow(/root\/a/);
  });
});
