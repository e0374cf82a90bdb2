import { createHash } from "node:crypto";
import { mkdir, open, readdir, readFile, rename, stat, unlink } from "node:fs/promises";
import { hostname } from "node:os";
import { join } from "node:path";
import type { ActorStateStore } from "./actor-context.js";
import { PlexusError } from "../common/errors.js";
import type { Logger } from "../common/logger.js";

/** Value of `format` in every snapshot file; anything else is treated as foreign and moved aside. */
export const STATE_FORMAT = "plexus-state/1";

/** The JSON document written for one actor. */
export interface StateSnapshot {
  format: typeof STATE_FORMAT;
  /** Actor path (e.g. `root/group-a/ticker`); a snapshot of another actor is rejected. */
  actor: string;
  /** ISO-8601 time of the save. */
  savedAt: string;
  /** Hex sha256 of `JSON.stringify(value)`, so torn or hand-edited files are detected. */
  checksum: string;
  value: unknown;
}

/**
 * Atomic JSON snapshots of actor state, one file per actor under `dir`.
 *
 * A save writes a uniquely named temp file in the same directory, fsyncs it, renames it over the
 * snapshot and fsyncs the directory: a crash at any point leaves either the old or the new file,
 * never a torn one. A snapshot that fails validation is renamed aside (never deleted, so it can
 * be inspected) and the actor starts as if it had no state.
 */
export class StateStore {
  constructor(
    private readonly dir: string,
    private readonly log: Logger,
  ) {}

  /** The store of the actor at `path`. */
  forActor(path: string): ActorStateStore {
    return new FileActorStateStore(this.dir, path, this.log.child({ actor: path }));
  }

  /**
   * Removes the temp files that saves killed half-way left behind (a runtime started on the
   * directory calls it first); returns their names. Only names this store writes are considered,
   * and only those no live writer can still own, since runtimes may share a directory: one
   * written on this host by a process that no longer runs, or one older than any save takes
   * (another host's writer cannot be asked whether it runs). A missing directory has none.
   */
  async removeOrphans(now: number = Date.now()): Promise<string[]> {
    let names: string[];
    try {
      names = await readdir(this.dir);
    } catch (error) {
      // Not fatal here: an unusable directory is reported by the first save that needs it.
      if ((error as NodeJS.ErrnoException).code !== "ENOENT")
        this.log.warn({ dir: this.dir, err: error }, "cannot list the state directory to remove orphaned temp files");
      return [];
    }
    const host = escapeName(hostname());
    const removed: string[] = [];
    for (const name of names) {
      const writer = parseTempFileName(name);
      if (writer === undefined || !(await this.isOrphan(name, writer, host, now))) continue;
      try {
        await unlink(join(this.dir, name));
        removed.push(name);
      } catch (error) {
        // Another runtime sharing the directory may have removed it first.
        if ((error as NodeJS.ErrnoException).code !== "ENOENT")
          this.log.warn({ file: join(this.dir, name), err: error }, "cannot remove an orphaned snapshot temp file");
      }
    }
    if (removed.length > 0) {
      this.log.info(
        { dir: this.dir, files: removed },
        `removed ${removed.length} orphaned snapshot temp file(s) left by a save that never finished (a killed process)`,
      );
    }
    return removed;
  }

  private async isOrphan(name: string, writer: TempWriter, host: string, now: number): Promise<boolean> {
    if (writer.host === host) return !processRuns(writer.pid);
    try {
      return now - (await stat(join(this.dir, name))).mtimeMs > ABANDONED_TEMP_AGE_MS;
    } catch {
      return false;
    }
  }
}

/**
 * Age after which a temp file of a writer this host cannot check is taken as abandoned: a save
 * holds its temp file for the time of one write and fsync, never anywhere near this long.
 */
const ABANDONED_TEMP_AGE_MS = 10 * 60 * 1000;

/** Who wrote a temp file, from its name; `host` (escaped) is undefined for names without one (older stores). */
interface TempWriter {
  host: string | undefined;
  pid: number;
}

/**
 * Name of the temp file a save writes before renaming it over the snapshot. It records the host
 * and pid of the writer, so that a later start can tell a killed writer's leftover from the file
 * a live runtime sharing the directory is writing right now.
 */
export function snapshotTempFileName(actorPath: string, host: string, pid: number, sequence: number): string {
  return `.${snapshotFileName(actorPath)}.${escapeName(host)}.${pid}.${sequence}.tmp`;
}

/** The writer of a temp file this store names; undefined for any other file. */
function parseTempFileName(name: string): TempWriter | undefined {
  const withHost = /^\.[A-Za-z0-9%_-]+\.json\.([A-Za-z0-9%_-]+)\.(\d+)\.\d+\.tmp$/.exec(name);
  if (withHost?.[1] !== undefined) return { host: withHost[1], pid: Number(withHost[2]) };
  const withoutHost = /^\.[A-Za-z0-9%_-]+\.json\.(\d+)\.\d+\.tmp$/.exec(name);
  return withoutHost?.[1] === undefined ? undefined : { host: undefined, pid: Number(withoutHost[1]) };
}

/** Whether a process with this pid runs on this host (one owned by another user counts). */
function processRuns(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** File name of an actor's snapshot: the path percent-escaped so it is one safe, injective name. */
export function snapshotFileName(actorPath: string): string {
  return `${escapeName(actorPath)}.json`;
}

/** Percent-escapes everything but letters, digits, `_` and `-` (so no `/` and no `.`). */
function escapeName(text: string): string {
  return text.replace(/[^A-Za-z0-9_-]/g, (char) =>
    [...Buffer.from(char, "utf8")].map((byte) => `%${byte.toString(16).toUpperCase().padStart(2, "0")}`).join(""),
  );
}

/** Hex sha256 of the JSON text of `value`. */
export function stateChecksum(json: string): string {
  return createHash("sha256").update(json).digest("hex");
}

// Temp names must differ between concurrent saves in this process and in others sharing the dir.
let tempCounter = 0;

class FileActorStateStore implements ActorStateStore {
  private readonly file: string;
  /** Saves run one after another so the last save called is the one left on disk. */
  private queue: Promise<void> = Promise.resolve();

  constructor(
    private readonly dir: string,
    private readonly actor: string,
    private readonly log: Logger,
  ) {
    this.file = join(dir, snapshotFileName(actor));
  }

  async load<T = unknown>(): Promise<T | undefined> {
    let text: string;
    try {
      text = await readFile(this.file, "utf8");
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
      throw new PlexusError(
        "STATE_READ_FAILED",
        `cannot read the state snapshot of ${this.actor} at ${this.file}: ${(error as Error).message}`,
        { cause: error },
      );
    }
    const problem = this.validate(text);
    if (typeof problem === "string") {
      await this.moveAside(problem);
      return undefined;
    }
    return problem.value as T;
  }

  save(value: unknown): Promise<void> {
    // Serialise now, so a caller mutating `value` after save() returns cannot change what is written.
    let json: string | undefined;
    try {
      json = JSON.stringify(value);
    } catch (error) {
      return Promise.reject(
        new PlexusError("STATE_NOT_SERIALIZABLE", `state of ${this.actor} is not JSON-serialisable: ${(error as Error).message}`, {
          retryable: false,
          cause: error,
        }),
      );
    }
    if (json === undefined) {
      return Promise.reject(
        new PlexusError(
          "STATE_NOT_SERIALIZABLE",
          `state of ${this.actor} is not JSON-serialisable (got ${typeof value}); save null to clear it`,
          { retryable: false },
        ),
      );
    }
    const text = json;
    const next = this.queue.then(() => this.write(text));
    // A failed save must not block the saves after it; the caller still sees its own failure.
    this.queue = next.catch(() => undefined);
    return next;
  }

  private async write(valueJson: string): Promise<void> {
    const snapshot = `{"format":${JSON.stringify(STATE_FORMAT)},"actor":${JSON.stringify(this.actor)},"savedAt":${JSON.stringify(new Date().toISOString())},"checksum":"${stateChecksum(valueJson)}","value":${valueJson}}\n`;
    const temp = join(this.dir, snapshotTempFileName(this.actor, hostname(), process.pid, ++tempCounter));
    try {
      await mkdir(this.dir, { recursive: true });
      const handle = await open(temp, "wx", 0o600);
      try {
        await handle.writeFile(snapshot, "utf8");
        await handle.sync();
      } finally {
        await handle.close();
      }
      await rename(temp, this.file);
    } catch (error) {
      await unlink(temp).catch(() => undefined);
      throw new PlexusError(
        "STATE_WRITE_FAILED",
        `cannot save the state of ${this.actor} to ${this.file}: ${(error as Error).message}; check that runtime.stateDir is writable`,
        { cause: error },
      );
    }
    await syncDirectory(this.dir).catch((error: unknown) => {
      throw new PlexusError(
        "STATE_WRITE_FAILED",
        `saved the state of ${this.actor} but could not fsync ${this.dir}: ${(error as Error).message}`,
        { cause: error },
      );
    });
  }

  /** The parsed snapshot, or why it is unusable. */
  private validate(text: string): StateSnapshot | string {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (error) {
      return `not valid JSON (${(error as Error).message})`;
    }
    if (typeof parsed !== "object" || parsed === null) return "not a JSON object";
    const snapshot = parsed as Partial<StateSnapshot>;
    if (snapshot.format !== STATE_FORMAT) return `format is ${JSON.stringify(snapshot.format)}, expected "${STATE_FORMAT}"`;
    if (snapshot.actor !== this.actor) return `snapshot belongs to actor ${JSON.stringify(snapshot.actor)}`;
    if (!("value" in snapshot)) return "snapshot has no value";
    const checksum = stateChecksum(JSON.stringify(snapshot.value));
    if (snapshot.checksum !== checksum) return "checksum mismatch (file truncated or edited)";
    return snapshot as StateSnapshot;
  }

  private async moveAside(reason: string): Promise<void> {
    const aside = `${this.file}.corrupt-${new Date().toISOString().replace(/[:.]/g, "-")}`;
    try {
      await rename(this.file, aside);
      this.log.warn(
        { file: this.file, movedTo: aside, reason },
        `state snapshot of ${this.actor} is unusable (${reason}); moved aside, starting without state`,
      );
    } catch (error) {
      // Losing the race to another loader that already moved it is fine; anything else is worth knowing.
      if ((error as NodeJS.ErrnoException).code !== "ENOENT") {
        this.log.warn(
          { file: this.file, reason, err: error },
          `state snapshot of ${this.actor} is unusable (${reason}) and could not be moved aside; starting without state`,
        );
      }
    }
  }
}

/** fsync of the directory makes the rename itself durable. Not supported everywhere (Windows): best effort there. */
async function syncDirectory(dir: string): Promise<void> {
  let handle;
  try {
    handle = await open(dir, "r");
    await handle.sync();
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== "EISDIR" && code !== "EPERM" && code !== "EINVAL") throw error;
  } finally {
    await handle?.close();
  }
}
