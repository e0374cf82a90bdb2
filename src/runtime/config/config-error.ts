/**
 * ConfigError lives in `common/config-error.ts` (transports report config problems too); this
 * re-export only keeps `src/index.ts`'s import working until it imports from there.
 */
export { ConfigError } from "../../common/config-error.js";
export type { ConfigIssue } from "../../common/config-error.js";
