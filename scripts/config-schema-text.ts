/**
 * The text of `config/plexus.schema.json`: the whole-config schema composed from the layers' TS
 * fragments, formatted as the repository formats JSON. `npm run schema` writes it; a test fails
 * when the committed file differs.
 */
import { fileURLToPath } from "node:url";
import prettier from "prettier";
import { PLEXUS_CONFIG_SCHEMA } from "../src/runtime/config/plexus-config.js";

/** Where the generated schema lives (it ships in the package; editors use it through `$schema`). */
export const CONFIG_SCHEMA_FILE = fileURLToPath(new URL("../config/plexus.schema.json", import.meta.url));

/** The schema as it must be committed. */
export async function configSchemaText(): Promise<string> {
  const options = (await prettier.resolveConfig(CONFIG_SCHEMA_FILE)) ?? {};
  // Compact input lets Prettier keep short definitions on one line, as a person would write them.
  return prettier.format(JSON.stringify(PLEXUS_CONFIG_SCHEMA), { ...options, filepath: CONFIG_SCHEMA_FILE });
}
