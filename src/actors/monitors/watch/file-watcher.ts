import type { PathChange } from "../coalescing-queue.js";
import type { PathFilter } from "./path-filter.js";
import type { WatchProblem } from "./watch-problem.js";

/** What a watcher reports; paths are absolute. */
export interface WatchEvents {
  /** A file to read again (added or changed) or to forget (deleted, or renamed away). */
  change(path: string, change: PathChange): void;
  /** A watch root that disappeared; its files were reported removed. */
  rootRemoved(root: string): void;
  problem(problem: WatchProblem): void;
}

/** A running watch over one or more roots. */
export interface FileWatcher {
  /** Stops watching and releases every watch handle. */
  close(): Promise<void>;
}

/** What every backend is started with. */
export interface WatchRequest {
  /** Absolute directories. */
  roots: readonly string[];
  filter: PathFilter;
  /** Report the files already present as changes (a cold start) or only later changes. */
  initial: boolean;
  events: WatchEvents;
}

/** Starts a backend's watch; resolves once the initial walk is done and events flow. */
export type WatchBackend = (request: WatchRequest) => Promise<FileWatcher>;
