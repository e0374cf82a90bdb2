import { opendir, realpath, stat } from "node:fs/promises";
import { join } from "node:path";
import type { PathFilter } from "./path-filter.js";
import { explainWatchError, type WatchProblem } from "./watch-problem.js";

/**
 * Every file below `root` that `filter` includes, depth first, as absolute paths. Excluded
 * directories are never opened; symbolic links to directories are followed once (a link back
 * into a directory already on the walk is reported as a loop, not walked again); unreadable
 * directories are reported and skipped.
 */
export async function* walkTree(root: string, filter: PathFilter, problem: (problem: WatchProblem) => void): AsyncGenerator<string> {
  const visited = new Set<string>();
  async function* walk(directory: string, relativeDirectory: string): AsyncGenerator<string> {
    let real: string;
    try {
      real = await realpath(directory);
    } catch (error) {
      problem(explainWatchError(error, directory));
      return;
    }
    if (visited.has(real)) {
      problem({
        code: "WATCH_LOOP",
        path: directory,
        message: `a symbolic link loop: ${directory} leads back to ${real}, which is already watched; not followed`,
      });
      return;
    }
    visited.add(real);
    let entries;
    try {
      entries = await opendir(directory);
    } catch (error) {
      problem(explainWatchError(error, directory));
      return;
    }
    for await (const entry of entries) {
      const path = join(directory, entry.name);
      const relativePath = relativeDirectory === "" ? entry.name : `${relativeDirectory}/${entry.name}`;
      let isDirectory = entry.isDirectory();
      let isFile = entry.isFile();
      if (entry.isSymbolicLink()) {
        try {
          const target = await stat(path);
          isDirectory = target.isDirectory();
          isFile = target.isFile();
        } catch (error) {
          problem(explainWatchError(error, path));
          continue;
        }
      }
      if (isDirectory) {
        if (filter.entersDirectory(relativePath)) yield* walk(path, relativePath);
      } else if (isFile && filter.includesFile(relativePath)) yield path;
    }
  }
  yield* walk(root, "");
}
