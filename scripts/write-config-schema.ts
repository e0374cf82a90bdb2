/** `npm run schema`: regenerates `config/plexus.schema.json` from the TS schema fragments. */
import { readFile, writeFile } from "node:fs/promises";
import { CONFIG_SCHEMA_FILE, configSchemaText } from "./config-schema-text.js";

const text = await configSchemaText();
const before = await readFile(CONFIG_SCHEMA_FILE, "utf8").catch(() => "");
if (text === before) {
  console.log(`${CONFIG_SCHEMA_FILE} is up to date`);
} else {
  await writeFile(CONFIG_SCHEMA_FILE, text);
  console.log(`wrote ${CONFIG_SCHEMA_FILE}`);
}
