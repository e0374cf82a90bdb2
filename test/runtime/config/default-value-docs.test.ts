/**
 * The config input types document every default with TSDoc `@defaultValue`; the schema is where
 * defaults live. This test reads the input types with the TypeScript compiler and holds them to the
 * schema: same keys, and a `@defaultValue` exactly where the schema has a `default`, with its value.
 */
import { readFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import ts from "typescript";
import { describe, expect, it } from "vitest";
import { PLEXUS_CONFIG_SCHEMA } from "../../../src/runtime/config/plexus-config.js";

const root = fileURLToPath(new URL("../../../", import.meta.url));

/** Input type → the schema object (under `$defs`, or the root) whose `properties` it mirrors. */
const INPUT_TYPES: Record<string, Record<string, string | undefined>> = {
  "src/transports/transport-config.ts": {
    MemoryTransportConfig: "memoryTransport",
    ZmqTransportConfig: "zmqTransport",
    RedisTransportConfig: "redisTransport",
  },
  "src/transports/bus/bus-config.ts": {
    ContractsConfig: "contracts",
    MailboxConfig: "mailbox",
    OutboxConfig: "outbox",
    ClaimCheckConfig: "claimCheck",
    BusConfig: "bus",
  },
  "src/runtime/ops/ops-config.ts": { OpsConfig: "ops" },
  "src/runtime/config/runtime-config.ts": { RuntimeConfig: "runtime", LogConfig: "log" },
  "src/runtime/supervision/child-config.ts": {
    BackoffConfig: "backoff",
    SupervisorConfig: "supervisor",
    WorkerChildConfig: "workerChild",
    SupervisorChildConfig: "supervisorChild",
  },
  "src/runtime/config/plexus-config.ts": { PlexusConfig: undefined },
};

interface DocumentedProperty {
  name: string;
  /** The `@defaultValue` text with its backticks removed, or undefined without the tag. */
  defaultValue: string | undefined;
}

async function interfacesOf(file: string): Promise<Map<string, DocumentedProperty[]>> {
  const source = ts.createSourceFile(file, await readFile(`${root}${file}`, "utf8"), ts.ScriptTarget.ES2022, true);
  const found = new Map<string, DocumentedProperty[]>();
  source.forEachChild((node) => {
    if (!ts.isInterfaceDeclaration(node)) return;
    const properties = node.members.filter(ts.isPropertySignature).map((member): DocumentedProperty => {
      const tag = ts.getJSDocTags(member).find((candidate) => candidate.tagName.text === "defaultValue");
      const text = tag === undefined ? undefined : (ts.getTextOfJSDocComment(tag.comment) ?? "").trim().replace(/^`|`$/g, "");
      return { name: member.name.getText(source), defaultValue: text };
    });
    found.set(node.name.text, properties);
  });
  return found;
}

function schemaProperties(definition: string | undefined): Record<string, { default?: unknown }> {
  const schema = (definition === undefined ? PLEXUS_CONFIG_SCHEMA : PLEXUS_CONFIG_SCHEMA.$defs[definition]) as
    { properties?: Record<string, { default?: unknown }> } | undefined;
  if (schema?.properties === undefined) throw new Error(`the schema has no properties at ${definition ?? "(root)"}`);
  return schema.properties;
}

describe("config input types and the schema", () => {
  for (const [file, types] of Object.entries(INPUT_TYPES)) {
    it(`${file}: every input type is checked against the schema`, async () => {
      const declared = [...(await interfacesOf(file)).keys()].filter((name) => name.endsWith("Config") && !name.startsWith("Resolved"));
      expect(declared.sort()).toEqual(Object.keys(types).sort());
    });

    for (const [typeName, definition] of Object.entries(types)) {
      it(`${typeName} has the keys of ${definition ?? "the whole config"} and documents its defaults with @defaultValue`, async () => {
        const properties = (await interfacesOf(file)).get(typeName) ?? [];
        const schema = schemaProperties(definition);
        expect(properties.map((property) => property.name).sort()).toEqual(Object.keys(schema).sort());
        const problems: string[] = [];
        for (const { name, defaultValue } of properties) {
          const expected = schema[name]?.default;
          if (expected === undefined) {
            if (defaultValue !== undefined) problems.push(`${name}: @defaultValue ${defaultValue} but the schema has no default`);
            continue;
          }
          if (defaultValue === undefined) {
            problems.push(`${name}: the schema default is ${JSON.stringify(expected)}; document it with @defaultValue`);
            continue;
          }
          let documented: unknown;
          try {
            documented = JSON.parse(defaultValue);
          } catch {
            problems.push(`${name}: @defaultValue ${defaultValue} is not JSON (write it as \`<json>\`)`);
            continue;
          }
          if (JSON.stringify(documented) !== JSON.stringify(expected)) {
            problems.push(`${name}: @defaultValue ${defaultValue} but the schema default is ${JSON.stringify(expected)}`);
          }
        }
        expect(problems).toEqual([]);
      });
    }
  }
});
