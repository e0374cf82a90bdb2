import type { ESLint } from "eslint";

/** The `plexus/layers` lint rule as an ESLint plugin (see layers.js). */
declare const plugin: ESLint.Plugin;
export default plugin;
