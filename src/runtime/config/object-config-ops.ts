/**
 * Whether an object config leaves the ops server off by saying nothing about it. A config FILE
 * (`plexus start`) is a service of its own: its ops server runs unless `runtime.ops.enabled` is
 * false. An OBJECT config (`createRuntime({ config: {...} })`) lives inside someone else's
 * process, which may hold several runtimes and has its own HTTP server: its ops server runs only
 * when the object has a `runtime.ops` section that does not say `enabled: false`.
 * @returns true when `config` has no `runtime.ops` section (and `runtime`, if present, is a mapping).
 */
export function opsOffByOmission(config: Readonly<Record<string, unknown>>): boolean {
  const runtime = config.runtime;
  if (runtime === undefined) return true;
  return typeof runtime === "object" && runtime !== null && !Array.isArray(runtime) && (runtime as { ops?: unknown }).ops === undefined;
}
