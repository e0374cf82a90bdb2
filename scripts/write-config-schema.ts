/** `npm run schema`: regenerates the files derived from the TS config schema fragments. */
import { readFile, writeFile } from "node:fs/promises";
import { relative } from "node:path";
import { configArtifacts } from "./config-artifacts.js";

for (const { file, text } of await configArtifacts()) {
  const before = await readFile(file, "utf8").catch(() => "");
  const name = relative(process.cwd(), file);
  if (text === before) {
    console.log(`${name} is up to date`);
  } else {
    await writeFile(file, text);
    console.log(`wrote ${name}`);
  }
}
