import { relativeToRoots } from "./chokidar.js";
import type { FileWatcher, WatchRequest } from "./file-watcher.js";
import { DEFAULT_EXCLUDES } from "./path-filter.js";
import { walkTree } from "./walk-tree.js";
import { explainWatchError } from "./watch-problem.js";

/**
 * The `@parcel/watcher` backend: one native watch per root (inotify per directory, no handle and
 * no memory per file), for trees too large for chokidar. It reports no initial files, so a cold
 * start walks the tree itself. A deleted directory may arrive as one `remove` of the directory.
 */
export async function watchWithParcel(request: WatchRequest, excludes: readonly string[] = DEFAULT_EXCLUDES): Promise<FileWatcher> {
  const parcel = await import("@parcel/watcher");
  const { roots, filter, events } = request;
  const subscriptions = await Promise.all(
    roots.map((root) =>
      parcel.subscribe(
        root,
        (error, batch) => {
          if (error) {
            events.problem(explainWatchError(error, root));
            return;
          }
          for (const event of batch) {
            const relativePath = relativeToRoots(roots, event.path);
            if (relativePath === undefined) continue;
            if (relativePath === "" && event.type === "delete") {
              events.rootRemoved(root);
              continue;
            }
            if (event.type === "delete") events.change(event.path, "remove");
            else if (filter.includesFile(relativePath)) events.change(event.path, "upsert");
          }
        },
        // Parcel prunes these natively; the filter above decides the rest.
        { ignore: [...excludes] },
      ),
    ),
  );
  if (request.initial) {
    for (const root of roots)
      for await (const path of walkTree(root, filter, (problem) => events.problem(problem))) events.change(path, "upsert");
  }
  return {
    close: async () => {
      await Promise.all(subscriptions.map((subscription) => subscription.unsubscribe()));
    },
  };
}
