import { createRequire } from "node:module";
import { pathToFileURL } from "node:url";

/**
 * Where a monitor's analysis worker module is, and how a worker thread loads it. The analysis
 * lives in `analysis/` and is compiled to its own `.js` files; run from the TypeScript sources
 * (tests, `tsx`), the `.ts` file is loaded through tsx in the worker — tsx found from this file,
 * not from the working directory, so a runtime started anywhere can load it.
 */
export function analysisWorker(name: string): { filename: string; execArgv?: string[] } {
  const fromSource = import.meta.url.endsWith(".ts");
  const filename = new URL(`./analysis/${name}.${fromSource ? "ts" : "js"}`, import.meta.url).href;
  if (!fromSource) return { filename };
  const loader = pathToFileURL(createRequire(import.meta.url).resolve("tsx")).href;
  return { filename, execArgv: ["--import", loader] };
}
