import { DURATION_SCHEMA } from "../../common/durations.js";

/**
 * Options every file-watching monitor shares; a monitor kind adds its own beside them. Each
 * property's `default` is the one source of that default; `description` says what it does.
 */
export const MONITOR_OPTION_PROPERTIES = {
  watch: {
    description: "Directory or directories to watch, relative to the working directory of plexus start.",
    anyOf: [
      { type: "string", minLength: 1 },
      { type: "array", minItems: 1, items: { type: "string", minLength: 1 } },
    ],
  },
  include: {
    type: "array",
    items: { type: "string", minLength: 1 },
    description: "Globs (relative to each watch root) of the files to analyse; defaults to the monitor's languages.",
  },
  exclude: {
    type: "array",
    items: { type: "string", minLength: 1 },
    description:
      "Globs never looked into; replaces the default list (node_modules, .git, .hg, .svn, dist, build, out, coverage, target, .next, .cache, __pycache__, .mypy_cache, .pytest_cache, .ruff_cache, .tox, .venv, venv).",
  },
  watcher: {
    enum: ["chokidar", "parcel"],
    default: "chokidar",
    description: "chokidar: one watch and ~12 KB per file; parcel (@parcel/watcher): native, per directory tree, for large trees.",
  },
  workers: {
    type: "integer",
    minimum: 1,
    maximum: 64,
    default: 2,
    description:
      "Analysis worker threads; the built-in file-watching monitors of one process with the same workers, queue and taskTimeout share one pool.",
  },
  queue: {
    type: "integer",
    minimum: 1,
    default: 1000,
    description: "Paths waiting for analysis (repeated events for one path collapse); refused paths are re-checked once it drains.",
  },
  debounce: { ...DURATION_SCHEMA, default: "20ms", description: "Quiet time after a file's last event before it is read." },
  cache: {
    type: "object",
    additionalProperties: false,
    default: {},
    properties: {
      files: { type: "integer", minimum: 1, default: 500, description: "Per-file results kept (least recently used out first)." },
      bytes: { type: "integer", minimum: 1, default: 104857600, description: "Bytes of per-file results kept (100 MB)." },
    },
  },
  maxFileBytes: {
    type: "integer",
    minimum: 1,
    default: 2097152,
    description: "Files larger than this (2 MB) are listed as skipped, not read.",
  },
  taskTimeout: {
    ...DURATION_SCHEMA,
    default: "10s",
    description: "An analysis running longer is aborted; the file is retried, then reported.",
  },
  retries: {
    type: "integer",
    minimum: 1,
    maximum: 20,
    default: 3,
    description: "Failed analyses of one file's content before it is reported.",
  },
  analysesPerSecond: { type: "number", exclusiveMinimum: 0, description: "Most files processed per second (unlimited when absent)." },
  snapshotEvery: { ...DURATION_SCHEMA, default: "5m", description: "How often the monitor's state is saved (and on stop)." },
  memory: {
    type: "object",
    additionalProperties: false,
    default: {},
    properties: {
      softMb: { type: "integer", minimum: 1, default: 768, description: "Above this RSS the monitor evicts half its caches." },
      hardMb: {
        type: "integer",
        minimum: 1,
        default: 1536,
        description: "Above this RSS the monitor fails, so its supervisor restarts it from its snapshot.",
      },
    },
  },
} as const;

/** The shared options as a monitor receives them (defaults applied). */
export interface MonitorOptions {
  watch: string | string[];
  include?: string[];
  exclude?: string[];
  watcher: "chokidar" | "parcel";
  workers: number;
  queue: number;
  debounce: number | string;
  cache: { files: number; bytes: number };
  maxFileBytes: number;
  taskTimeout: number | string;
  retries: number;
  analysesPerSecond?: number;
  snapshotEvery: number | string;
  memory: { softMb: number; hardMb: number };
}
