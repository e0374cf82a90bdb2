/** Something a watcher could not do, explained for the person who has to fix it. */
export interface WatchProblem {
  code: "WATCH_LIMIT" | "WATCH_PERMISSION" | "WATCH_LOOP" | "WATCH_ROOT_MISSING" | "WATCH_ERROR";
  path?: string;
  message: string;
}

/** Turns a watcher or file-system error into a {@link WatchProblem} that says what to do. */
export function explainWatchError(error: unknown, path?: string): WatchProblem {
  const code = (error as { code?: unknown } | undefined)?.code;
  const detail = error instanceof Error ? error.message : String(error);
  const where = path ?? (error as { path?: string } | undefined)?.path;
  const at = where ? { path: where } : {};
  switch (code) {
    case "ENOSPC":
      return {
        code: "WATCH_LIMIT",
        ...at,
        message:
          "the system's inotify watch limit is reached (ENOSPC). Raise it: `sudo sysctl fs.inotify.max_user_watches=524288` " +
          "(persist it in /etc/sysctl.d/), exclude more directories, or use `watcher: parcel`, which needs one watch per directory tree.",
      };
    case "EMFILE":
    case "ENFILE":
      return {
        code: "WATCH_LIMIT",
        ...at,
        message: `too many open files (${code}). Raise the limit (\`ulimit -n 65536\`, or LimitNOFILE= in the systemd unit), exclude more directories, or use \`watcher: parcel\`.`,
      };
    case "EACCES":
    case "EPERM":
      return { code: "WATCH_PERMISSION", ...at, message: `permission denied (${code}); the path is skipped: ${detail}` };
    case "ELOOP":
      return { code: "WATCH_LOOP", ...at, message: `a symbolic link loop; the link is not followed: ${detail}` };
    case "ENOENT":
      return { code: "WATCH_ROOT_MISSING", ...at, message: `the path does not exist: ${detail}` };
    default:
      return { code: "WATCH_ERROR", ...at, message: detail };
  }
}
