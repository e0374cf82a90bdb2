import { createRequire } from "node:module";
import type { Ajv2020 } from "ajv/dist/2020.js";

type Ajv2020Class = typeof Ajv2020;
let loaded: Ajv2020Class | undefined;

/**
 * ajv's draft 2020-12 compiler, loaded on first use rather than when plexus is imported: about 80
 * modules that a runtime with an object config, no contracts and no kind option schemas never
 * needs (the whole-config schema is compiled ahead of time). Its CommonJS build loads synchronously.
 */
export function loadAjv2020(): Ajv2020Class {
  loaded ??= (createRequire(import.meta.url)("ajv/dist/2020.js") as typeof import("ajv/dist/2020.js")).Ajv2020;
  return loaded;
}
