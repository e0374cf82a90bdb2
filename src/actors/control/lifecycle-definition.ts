import { readFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { checkAgainstSchema } from "../../common/config-schema.js";
import { ConfigError, formatPath, type ConfigIssue, type PathSegment } from "../../common/config-error.js";

/** The seed lifecycle shipped in the package (`config/lifecycles/seed.yaml`), the same three levels up from `src/` and `dist/`. */
export const SEED_LIFECYCLE_FILE = fileURLToPath(new URL("../../../config/lifecycles/seed.yaml", import.meta.url));

/** One move of a lifecycle: `operation` takes an entity in `from` (one state or several) to `to`. */
export interface LifecycleTransition {
  from: string | string[];
  operation: string;
  to: string;
}

/** An operation allowed from every state that is not terminal (TERMINATE). */
export interface AdministrativeOperation {
  operation: string;
  to: string;
}

/** A lifecycle as data: what a lifecycle file holds. */
export interface LifecycleDefinition {
  /** Names the compiled machine and the events topic segment (`kasmina.events.<name>.<state>`). */
  name: string;
  /** Where every new entity starts. */
  initial: string;
  states: string[];
  /** States nothing leaves, not even an administrative operation. */
  terminal: string[];
  operations: string[];
  transitions: LifecycleTransition[];
  administrative: AdministrativeOperation[];
}

const NAME = { type: "string", pattern: "^[A-Za-z][A-Za-z0-9_-]*$" } as const;

/** JSON Schema of a lifecycle file; the rules between fields (known states, one move per state and operation) are checked after it. */
export const LIFECYCLE_SCHEMA = {
  type: "object",
  additionalProperties: false,
  required: ["name", "initial", "states", "operations", "transitions"],
  properties: {
    $schema: { type: "string" },
    name: { ...NAME, description: "Name of the lifecycle; lower-cased it is the segment after `kasmina.events.`." },
    description: { type: "string" },
    initial: { ...NAME, description: "State of an entity the controller has not seen before." },
    states: { type: "array", minItems: 1, uniqueItems: true, items: NAME },
    terminal: { type: "array", uniqueItems: true, items: NAME, default: [] },
    operations: { type: "array", minItems: 1, uniqueItems: true, items: NAME },
    transitions: {
      type: "array",
      items: {
        type: "object",
        additionalProperties: false,
        required: ["from", "operation", "to"],
        properties: {
          from: { anyOf: [NAME, { type: "array", minItems: 1, uniqueItems: true, items: NAME }] },
          operation: NAME,
          to: NAME,
        },
      },
    },
    administrative: {
      type: "array",
      default: [],
      items: {
        type: "object",
        additionalProperties: false,
        required: ["operation", "to"],
        properties: { operation: NAME, to: NAME },
      },
    },
  },
} as const;

/**
 * Checks `value` (a parsed lifecycle file or an inline definition) and returns it with defaults
 * filled in. `source` names it in the error: the file path, or where the inline one sits.
 * @throws ConfigError listing every problem.
 */
export function parseLifecycle(value: unknown, source: string): LifecycleDefinition {
  let copy: unknown;
  try {
    copy = structuredClone(value);
  } catch (error) {
    throw new ConfigError([{ path: "(root)", message: `a lifecycle must be plain data: ${String(error)}` }], source);
  }
  const schemaIssues = checkAgainstSchema(LIFECYCLE_SCHEMA, copy);
  if (schemaIssues.length > 0) {
    throw new ConfigError(
      schemaIssues.map((issue) => ({ path: formatPath(issue.path), message: issue.message })),
      source,
    );
  }
  const definition = copy as LifecycleDefinition;
  const issues = consistencyIssues(definition);
  if (issues.length > 0) throw new ConfigError(issues, source);
  return definition;
}

/** Reads and checks a lifecycle file (YAML or JSON). @throws ConfigError naming the file and the reason. */
export async function loadLifecycleFile(file: string): Promise<LifecycleDefinition> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (error) {
    throw new ConfigError([{ path: "(root)", message: `cannot read the lifecycle file: ${(error as Error).message}` }], file);
  }
  // Loaded here, not at the top: `import "plexus"` must not load the YAML parser (test/import-cost.test.ts).
  const { parse } = await import("yaml");
  let value: unknown;
  try {
    value = parse(text, { uniqueKeys: true });
  } catch (error) {
    throw new ConfigError([{ path: "(root)", message: `not valid YAML or JSON: ${(error as Error).message}` }], file);
  }
  return parseLifecycle(value, file);
}

/** The states a transition leaves from, as a list. */
export function fromStates(transition: LifecycleTransition): string[] {
  return typeof transition.from === "string" ? [transition.from] : transition.from;
}

/** What the schema cannot say: every name refers to a declared state or operation, and each state has at most one move per operation. */
function consistencyIssues(definition: LifecycleDefinition): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  const states = new Set(definition.states);
  const operations = new Set(definition.operations);
  const terminal = new Set(definition.terminal);
  const used = new Set<string>();
  const add = (path: PathSegment[], message: string): void => void issues.push({ path: formatPath(path), message });
  const knownState = (state: string, path: PathSegment[]): void => {
    if (!states.has(state)) add(path, `'${state}' is not one of the states (${definition.states.join(", ")})`);
  };
  const knownOperation = (operation: string, path: PathSegment[]): void => {
    used.add(operation);
    if (!operations.has(operation)) add(path, `'${operation}' is not one of the operations (${definition.operations.join(", ")})`);
  };
  knownState(definition.initial, ["initial"]);
  if (terminal.has(definition.initial)) add(["initial"], `the initial state '${definition.initial}' cannot be terminal`);
  definition.terminal.forEach((state, index) => knownState(state, ["terminal", index]));
  const moves = new Map<string, number>();
  definition.transitions.forEach((transition, index) => {
    knownOperation(transition.operation, ["transitions", index, "operation"]);
    knownState(transition.to, ["transitions", index, "to"]);
    for (const from of fromStates(transition)) {
      knownState(from, ["transitions", index, "from"]);
      if (terminal.has(from)) add(["transitions", index, "from"], `'${from}' is terminal: nothing leaves it`);
      const key = `${from}\n${transition.operation}`;
      const earlier = moves.get(key);
      if (earlier !== undefined)
        add(
          ["transitions", index],
          `${transition.operation} from ${from} is already defined by transitions[${earlier}]; a move must be unambiguous`,
        );
      else moves.set(key, index);
    }
  });
  definition.administrative.forEach((admin, index) => {
    knownOperation(admin.operation, ["administrative", index, "operation"]);
    knownState(admin.to, ["administrative", index, "to"]);
    if (definition.transitions.some((transition) => transition.operation === admin.operation))
      add(
        ["administrative", index, "operation"],
        `${admin.operation} is administrative (allowed from every state that is not terminal) and cannot also have transitions`,
      );
  });
  definition.operations.forEach((operation, index) => {
    if (!used.has(operation)) add(["operations", index], `operation '${operation}' has no transition`);
  });
  return issues;
}
