import picomatch from "picomatch";

/**
 * Directories no monitor looks into unless a config's own `exclude` replaces this list:
 * dependencies, version control, build output and caches.
 * @defaultValue see the list
 */
export const DEFAULT_EXCLUDES: readonly string[] = [
  "**/node_modules/**",
  "**/.git/**",
  "**/.hg/**",
  "**/.svn/**",
  "**/dist/**",
  "**/build/**",
  "**/out/**",
  "**/coverage/**",
  "**/target/**",
  "**/.next/**",
  "**/.cache/**",
  "**/__pycache__/**",
  "**/.mypy_cache/**",
  "**/.pytest_cache/**",
  "**/.ruff_cache/**",
  "**/.tox/**",
  "**/.venv/**",
  "**/venv/**",
];

/** Which paths below a watch root a monitor reads. */
export interface PathFilter {
  /** Whether the file at `relativePath` (from its root, `/`-separated) is one to analyse. */
  includesFile(relativePath: string): boolean;
  /** Whether the directory at `relativePath` may hold files to analyse (false prunes the subtree). */
  entersDirectory(relativePath: string): boolean;
}

/**
 * A filter from include and exclude globs (picomatch syntax, relative to the watch root; dot
 * files match). A directory is pruned when an exclude matches it, so an excluded `node_modules`
 * costs one check rather than a walk.
 */
export function createPathFilter(options: { include: readonly string[]; exclude?: readonly string[] | undefined }): PathFilter {
  const exclude = options.exclude ?? DEFAULT_EXCLUDES;
  const matchOptions = { dot: true };
  const included = picomatch([...options.include], matchOptions);
  const excluded = exclude.length > 0 ? picomatch([...exclude], matchOptions) : () => false;
  return {
    includesFile: (relativePath) => included(relativePath) && !excluded(relativePath),
    // A directory glob such as `**/dist/**` matches the files below it; testing a child path
    // tells whether the directory itself is excluded.
    entersDirectory: (relativePath) => relativePath === "" || !excluded(`${relativePath}/_`),
  };
}
