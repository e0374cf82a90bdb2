/**
 * Where a monitor's analysis worker module is, and how a worker thread loads it. The analysis
 * lives in `analysis/` and is compiled to its own `.js` files; run from the TypeScript sources
 * (tests, `tsx`), the `.ts` file is loaded through tsx in the worker.
 */
export function analysisWorker(name: string): { filename: string; execArgv?: string[] } {
  const fromSource = import.meta.url.endsWith(".ts");
  const filename = new URL(`./analysis/${name}.${fromSource ? "ts" : "js"}`, import.meta.url).href;
  return fromSource ? { filename, execArgv: ["--import", "tsx"] } : { filename };
}
