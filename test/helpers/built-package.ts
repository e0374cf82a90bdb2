import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import { cp, mkdir, readdir, readFile, rename, rm, stat, writeFile } from "node:fs/promises";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { waitFor } from "./wait.js";

const run = promisify(execFile);
const repoRoot = fileURLToPath(new URL("../../", import.meta.url));
/** Inside node_modules: ignored by git, and bare imports from the built files resolve to the repository's dependencies. */
const cacheRoot = join(repoRoot, "node_modules", ".cache", "plexus-built");
const BUILD_TIMEOUT_MS = 180_000;

async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  return entries
    .filter((entry) => entry.isFile())
    .map((entry) => join(entry.parentPath, entry.name))
    .sort();
}

/** Hash of everything the build reads, so a cached build is reused only while it is current. */
async function sourceHash(): Promise<string> {
  const hash = createHash("sha256");
  const inputs = [
    ...(await filesUnder(join(repoRoot, "src"))),
    ...["package.json", "tsconfig.json", "tsconfig.build.json"].map((f) => join(repoRoot, f)),
  ];
  for (const file of inputs) {
    hash
      .update(relative(repoRoot, file))
      .update("\0")
      .update(await readFile(file))
      .update("\0");
  }
  return hash.digest("hex").slice(0, 16);
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}

/**
 * The package as a user installs it: `tsc -p tsconfig.build.json` output in `dist/`, with the
 * package.json (for `"type": "module"` and the `exports` self-reference `plexus`) and `config/`
 * beside it. Returns its directory. Built once per change of the sources and shared by the test
 * files that need it: the first to arrive builds (holding a lock directory), the others wait for
 * the finished directory, which appears by an atomic rename.
 */
export async function builtPackage(): Promise<string> {
  const hash = await sourceHash();
  const dir = join(cacheRoot, hash);
  if (await exists(join(dir, "package.json"))) return dir;
  await mkdir(cacheRoot, { recursive: true });
  const lock = `${dir}.lock`;
  try {
    await mkdir(lock);
  } catch {
    // Someone else is building this very hash: wait for their result (a crashed builder's lock is
    // taken over once it is older than a build can take).
    const ready = await waitFor(
      async () => (await exists(join(dir, "package.json"))) || Date.now() - (await stat(lock)).mtimeMs > BUILD_TIMEOUT_MS,
      `the build of ${dir} by another test file`,
      BUILD_TIMEOUT_MS + 10_000,
      100,
    );
    if (ready && (await exists(join(dir, "package.json")))) return dir;
    await rm(lock, { recursive: true, force: true });
    return builtPackage();
  }
  try {
    // Older builds of this worktree are stale by definition: only the current hash is kept.
    for (const entry of await readdir(cacheRoot)) {
      if (!entry.startsWith(hash)) await rm(join(cacheRoot, entry), { recursive: true, force: true });
    }
    const staging = `${dir}.staging`;
    await rm(staging, { recursive: true, force: true });
    await mkdir(staging, { recursive: true });
    const tsc = join(repoRoot, "node_modules", "typescript", "bin", "tsc");
    await run(process.execPath, [tsc, "-p", join(repoRoot, "tsconfig.build.json"), "--outDir", join(staging, "dist")], {
      cwd: repoRoot,
      timeout: BUILD_TIMEOUT_MS,
    });
    await cp(join(repoRoot, "config"), join(staging, "config"), { recursive: true });
    // Written last: its presence marks a complete build.
    await writeFile(join(staging, "package.json"), await readFile(join(repoRoot, "package.json")));
    await rename(staging, dir);
  } finally {
    await rm(lock, { recursive: true, force: true });
  }
  return dir;
}
