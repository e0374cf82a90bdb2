import { mkdir, mkdtemp, rename, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import type { PathChange } from "../../../../src/actors/monitors/coalescing-queue.js";
import { watchWithChokidar } from "../../../../src/actors/monitors/watch/chokidar.js";
import type { FileWatcher, WatchBackend } from "../../../../src/actors/monitors/watch/file-watcher.js";
import { watchWithParcel } from "../../../../src/actors/monitors/watch/parcel.js";
import { createPathFilter } from "../../../../src/actors/monitors/watch/path-filter.js";
import type { WatchProblem } from "../../../../src/actors/monitors/watch/watch-problem.js";
import { waitFor } from "../../../helpers/wait.js";

const backends: Record<string, WatchBackend> = { chokidar: watchWithChokidar, parcel: (request) => watchWithParcel(request) };

let root: string | undefined;
let watcher: FileWatcher | undefined;
afterEach(async () => {
  await watcher?.close();
  watcher = undefined;
  if (root) await rm(root, { recursive: true, force: true });
  root = undefined;
});

/** A tree with files in and out of the filter, watched by `backend`; records what it reports. */
async function watchPlantedTree(backend: WatchBackend) {
  root = await mkdtemp(join(tmpdir(), "plexus-watch-"));
  await mkdir(join(root, "pkg"), { recursive: true });
  await mkdir(join(root, "node_modules", "dep"), { recursive: true });
  await writeFile(join(root, "app.py"), "x = 1\n");
  await writeFile(join(root, "pkg", "bus.ts"), "export {};\n");
  await writeFile(join(root, "README.md"), "# not analysed\n");
  await writeFile(join(root, "node_modules", "dep", "index.ts"), "excluded\n");
  const changes: Array<[string, PathChange]> = [];
  const removedRoots: string[] = [];
  const problems: WatchProblem[] = [];
  watcher = await backend({
    roots: [root],
    filter: createPathFilter({ include: ["**/*.py", "**/*.ts"] }),
    initial: true,
    events: {
      change: (path, change) => changes.push([path.slice(root!.length + 1), change]),
      rootRemoved: (path) => removedRoots.push(path),
      problem: (problem) => problems.push(problem),
    },
  });
  return { root, changes, removedRoots, problems };
}

const latest = (changes: Array<[string, PathChange]>, path: string): PathChange | undefined =>
  changes.filter(([p]) => p === path).at(-1)?.[1];

describe.each(Object.keys(backends))("the %s watcher", (name) => {
  const backend = backends[name]!;

  it("reports the files already there, then creates, modifies, deletes and renames, never an excluded file", async () => {
    const tree = await watchPlantedTree(backend);
    await waitFor(
      () => latest(tree.changes, "app.py") === "upsert" && latest(tree.changes, "pkg/bus.ts") === "upsert",
      "the initial files",
    );

    await writeFile(join(tree.root, "new.py"), "y = 2\n");
    await waitFor(() => latest(tree.changes, "new.py") === "upsert", "a created file");
    const before = tree.changes.length;
    await writeFile(join(tree.root, "app.py"), "x = 3\n");
    await waitFor(() => tree.changes.slice(before).some(([path]) => path === "app.py"), "a modified file");
    await rm(join(tree.root, "new.py"));
    await waitFor(() => latest(tree.changes, "new.py") === "remove", "a deleted file");
    await rename(join(tree.root, "pkg", "bus.ts"), join(tree.root, "pkg", "wire.ts"));
    await waitFor(
      () => latest(tree.changes, "pkg/bus.ts") === "remove" && latest(tree.changes, "pkg/wire.ts") === "upsert",
      "a renamed file",
    );

    // A witness written after the excluded ones: once it is seen, the others would have been too.
    await writeFile(join(tree.root, "node_modules", "dep", "later.ts"), "excluded\n");
    await writeFile(join(tree.root, "notes.md"), "not analysed\n");
    await writeFile(join(tree.root, "witness.py"), "\n");
    await waitFor(() => latest(tree.changes, "witness.py") === "upsert", "the witness");
    const reported = new Set(tree.changes.map(([path]) => path));
    expect([...reported].filter((path) => path.includes("node_modules") || path.endsWith(".md"))).toEqual([]);
    expect(tree.problems).toEqual([]);
  });

  it("reports a deleted watch root", async () => {
    const tree = await watchPlantedTree(backend);
    await waitFor(() => latest(tree.changes, "app.py") === "upsert", "the initial files");
    await rm(tree.root, { recursive: true, force: true });
    await waitFor(() => tree.removedRoots.length === 1, "the root's removal");
    expect(tree.removedRoots).toEqual([tree.root]);
  });

  it("does not walk a symbolic link loop forever", async () => {
    const tree = await watchPlantedTree(backend);
    await waitFor(() => latest(tree.changes, "app.py") === "upsert", "the initial files");
    await symlink("..", join(tree.root, "pkg", "up"));
    await writeFile(join(tree.root, "after-loop.py"), "\n");
    await waitFor(() => latest(tree.changes, "after-loop.py") === "upsert", "a file written after the loop");
    expect(tree.changes.filter(([path]) => path.startsWith("pkg/up/")).length).toBeLessThanOrEqual(4);
  });
});
