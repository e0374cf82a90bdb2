import { fileURLToPath } from "node:url";
import { ESLint } from "eslint";
import tseslint from "typescript-eslint";
import { describe, expect, it } from "vitest";
import layers from "../../lint/layers.js";

const root = fileURLToPath(new URL("../../", import.meta.url));

/** The messages of the plexus/layers rule for `code` as if it were the file `file` (relative to the repo). */
async function problems(file: string, code: string): Promise<string[]> {
  const eslint = new ESLint({
    cwd: root,
    overrideConfigFile: true,
    overrideConfig: [
      {
        files: ["**/*.ts", "**/*.js"],
        languageOptions: { parser: tseslint.parser },
        plugins: { plexus: layers },
        rules: { "plexus/layers": "error" },
      },
    ],
  });
  const [result] = await eslint.lintText(code, { filePath: `${root}${file}` });
  return (result?.messages ?? []).map((message) => message.message);
}

describe("the plexus/layers lint rule", () => {
  it("refuses an upward import, naming both layers", async () => {
    const [message] = await problems("src/common/example.js", 'import { MessageBus } from "../transports/bus/message-bus.js";');
    expect(message).toContain("common/example.js (common) imports transports/bus/message-bus.ts (transports)");
  });

  it("refuses a backend import outside the factory, but not a type-only one", async () => {
    expect(await problems("src/runtime/example.ts", 'import { RedisTransport } from "../transports/redis/transport.js";')).toEqual([
      expect.stringContaining("only transports/create-transport.ts loads backends"),
    ]);
    expect(await problems("src/runtime/example.ts", 'import type { RedisTransport } from "../transports/redis/transport.js";')).toEqual([]);
    expect(await problems("src/transports/create-transport.ts", 'const m = import("./redis/transport.js");')).toEqual([]);
  });

  it("keeps hosting below supervision, and lets a layer import itself and lower layers", async () => {
    expect(await problems("src/runtime/hosting/example.ts", 'import { Supervisor } from "../supervision/supervisor.js";')).toEqual([
      expect.stringContaining("runtime/hosting/ sits below runtime/supervision/"),
    ]);
    expect(
      await problems(
        "src/actors/example.ts",
        'import { defineActor } from "../runtime/define-actor.js";\nimport { PlexusError } from "../common/errors.js";',
      ),
    ).toEqual([]);
  });
});
