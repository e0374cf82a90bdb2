// Transitional: the definition and the context are now one file each (define-actor.ts,
// actor-context.ts). This re-export keeps the modules that still import from here compiling;
// delete it once they (src/index.ts, config/, doctor/, testing/) import from the new files.
export * from "./actor-context.js";
export * from "./define-actor.js";
