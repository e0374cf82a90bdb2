import { mkdir, mkdtemp, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { createPathFilter } from "../../../../src/actors/monitors/watch/path-filter.js";
import { walkTree } from "../../../../src/actors/monitors/watch/walk-tree.js";
import { explainWatchError, type WatchProblem } from "../../../../src/actors/monitors/watch/watch-problem.js";

let root: string | undefined;
afterEach(async () => {
  if (root) await rm(root, { recursive: true, force: true });
  root = undefined;
});

async function collect(filter = createPathFilter({ include: ["**/*.py"] })) {
  const problems: WatchProblem[] = [];
  const files: string[] = [];
  for await (const path of walkTree(root!, filter, (problem) => problems.push(problem))) files.push(path.slice(root!.length + 1));
  return { files: files.sort(), problems };
}

describe("walkTree", () => {
  it("yields included files, prunes excluded directories, and reports a symbolic link loop once instead of walking it", async () => {
    root = await mkdtemp(join(tmpdir(), "plexus-walk-"));
    await mkdir(join(root, "a", "b"), { recursive: true });
    await mkdir(join(root, "node_modules", "x"), { recursive: true });
    await mkdir(join(root, ".venv", "lib"), { recursive: true });
    await writeFile(join(root, "top.py"), "");
    await writeFile(join(root, "a", "b", "deep.py"), "");
    await writeFile(join(root, "a", "notes.txt"), "");
    await writeFile(join(root, "node_modules", "x", "skip.py"), "");
    await writeFile(join(root, ".venv", "lib", "skip.py"), "");
    await symlink("../..", join(root, "a", "b", "loop"));
    const { files, problems } = await collect();
    expect(files).toEqual(["a/b/deep.py", "top.py"]);
    expect(problems.map((problem) => problem.code)).toEqual(["WATCH_LOOP"]);
    expect(problems[0]!.path).toBe(join(root, "a", "b", "loop"));
  });

  it("reports a missing root instead of throwing", async () => {
    root = join(tmpdir(), `plexus-walk-missing-${process.pid}`);
    const { files, problems } = await collect();
    expect(files).toEqual([]);
    expect(problems.map((problem) => problem.code)).toEqual(["WATCH_ROOT_MISSING"]);
  });

  it("a config's exclude list replaces the defaults", async () => {
    root = await mkdtemp(join(tmpdir(), "plexus-walk-"));
    await mkdir(join(root, "node_modules"), { recursive: true });
    await mkdir(join(root, "generated"), { recursive: true });
    await writeFile(join(root, "node_modules", "vendored.py"), "");
    await writeFile(join(root, "generated", "gen.py"), "");
    const { files } = await collect(createPathFilter({ include: ["**/*.py"], exclude: ["generated/**"] }));
    expect(files).toEqual(["node_modules/vendored.py"]);
  });
});

describe("watch problems say what to do", () => {
  it("an inotify limit names the sysctl and the parcel backend", () => {
    const problem = explainWatchError(
      Object.assign(new Error("ENOSPC: System limit for number of file watchers reached"), { code: "ENOSPC" }),
      "/src",
    );
    expect(problem).toMatchObject({ code: "WATCH_LIMIT", path: "/src" });
    expect(problem.message).toMatch(/fs\.inotify\.max_user_watches/);
    expect(problem.message).toMatch(/watcher: parcel/);
  });

  it("too many open files names ulimit; permission and loop errors keep their path", () => {
    expect(explainWatchError(Object.assign(new Error("EMFILE"), { code: "EMFILE" })).message).toMatch(/ulimit -n/);
    expect(explainWatchError(Object.assign(new Error("EACCES: permission denied"), { code: "EACCES", path: "/secret" }))).toMatchObject({
      code: "WATCH_PERMISSION",
      path: "/secret",
    });
    expect(explainWatchError(Object.assign(new Error("ELOOP"), { code: "ELOOP" }), "/a/loop")).toMatchObject({
      code: "WATCH_LOOP",
      path: "/a/loop",
    });
  });
});
