import { existsSync, type Stats } from "node:fs";
import { relative, sep } from "node:path";
import type { FileWatcher, WatchRequest } from "./file-watcher.js";
import { explainWatchError } from "./watch-problem.js";

/** `path` relative to the root that holds it, `/`-separated, or undefined when no root holds it. */
export function relativeToRoots(roots: readonly string[], path: string): string | undefined {
  for (const root of roots) {
    if (path === root) return "";
    if (path.startsWith(root.endsWith(sep) ? root : root + sep)) return relative(root, path).split(sep).join("/");
  }
  return undefined;
}

/**
 * The chokidar backend (the default): one inotify watch per directory and file, events per file.
 * Loaded only when a monitor starts with it.
 */
export async function watchWithChokidar(request: WatchRequest): Promise<FileWatcher> {
  const { watch } = await import("chokidar");
  const { roots, filter, events } = request;
  const ignored = (path: string, stats?: Stats): boolean => {
    const relativePath = relativeToRoots(roots, path);
    if (relativePath === undefined) return false;
    // chokidar asks first without stats; only directories can be pruned before they are known.
    if (!stats || stats.isDirectory()) return !filter.entersDirectory(relativePath);
    return !filter.includesFile(relativePath);
  };
  const wanted = (path: string): boolean => {
    const relativePath = relativeToRoots(roots, path);
    return relativePath !== undefined && relativePath !== "" && filter.includesFile(relativePath);
  };
  const watcher = watch([...roots], { ignored, ignoreInitial: !request.initial, persistent: true, followSymlinks: true });
  watcher.on("add", (path) => wanted(path) && events.change(path, "upsert"));
  watcher.on("change", (path) => wanted(path) && events.change(path, "upsert"));
  // chokidar reports the files of a deleted root but not always the root itself, so each removal
  // checks whether a root went with it.
  const removedRoots = new Set<string>();
  const checkRoots = (): void => {
    for (const root of roots) {
      if (removedRoots.has(root) || existsSync(root)) continue;
      removedRoots.add(root);
      events.rootRemoved(root);
    }
  };
  watcher.on("unlink", (path) => {
    if (wanted(path)) events.change(path, "remove");
    checkRoots();
  });
  watcher.on("unlinkDir", checkRoots);
  watcher.on("error", (error) => events.problem(explainWatchError(error)));
  await new Promise<void>((resolve) => watcher.once("ready", () => resolve()));
  return {
    close: () => watcher.close(),
  };
}
