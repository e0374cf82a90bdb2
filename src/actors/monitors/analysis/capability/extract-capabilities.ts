import type { Node, Tree } from "web-tree-sitter";
import { CLASS_TYPES, decoratorsOf, FUNCTION_TYPES, FUNCTION_VALUES, lineOf, owningClass } from "../tree-sitter/syntax.js";
import type { Capability, CapabilityFacts } from "./capability-facts.js";

const MAX_SYNTAX_ERRORS = 20;

/** What makes a definition a capability. */
export interface CapabilityRules {
  /** Lower-case name endings (`handler`); a name must have something before the ending. */
  suffixes: readonly string[];
  /** Decorator names; `route` matches `@route` and `@app.route`, `app.route` only the latter. */
  decorators: readonly string[];
}

/** The suffix `name` ends in (case-insensitively, after something else), if any. */
export function matchingSuffix(name: string, suffixes: readonly string[]): string | undefined {
  const lower = name.toLowerCase();
  return suffixes.find((suffix) => lower.length > suffix.length && lower.endsWith(suffix));
}

function matchingDecorators(found: readonly string[], wanted: readonly string[]): string[] {
  return found.filter((name) => wanted.some((want) => name === want || name.endsWith(`.${want}`)));
}

/**
 * The capabilities one parsed file defines: classes and functions (at any depth) whose names end
 * in a configured suffix, and classes, functions and methods that carry a configured decorator.
 * Methods count by decorator only: `get_handler` on a class is a method, not a capability. Pure.
 */
export function extractCapabilities(tree: Tree, language: CapabilityFacts["language"], rules: CapabilityRules): CapabilityFacts {
  const root = tree.rootNode;
  const capabilities: Capability[] = [];
  const consider = (definition: Node, nameNode: Node | null, form: Capability["form"] | "function-or-method"): void => {
    const name = nameNode?.text;
    if (!name) return;
    const owner = form === "class" ? undefined : owningClass(definition);
    const actualForm: Capability["form"] = form === "class" ? "class" : owner ? "method" : "function";
    const suffix = actualForm === "method" ? undefined : matchingSuffix(name, rules.suffixes);
    const decorators = matchingDecorators(decoratorsOf(definition), rules.decorators);
    if (suffix === undefined && decorators.length === 0) return;
    const ownerName = owner?.childForFieldName("name")?.text;
    capabilities.push({
      name,
      qualifiedName: ownerName ? `${ownerName}.${name}` : name,
      form: actualForm,
      line: lineOf(nameNode),
      ...(suffix === undefined ? {} : { suffix }),
      decorators,
    });
  };
  const types = [...CLASS_TYPES, ...FUNCTION_TYPES, "method_definition", "variable_declarator"];
  for (const node of root.descendantsOfType(types)) {
    if (CLASS_TYPES.has(node.type)) consider(node, node.childForFieldName("name"), "class");
    else if (node.type === "variable_declarator") {
      const value = node.childForFieldName("value");
      const name = node.childForFieldName("name");
      if (value && name?.type === "identifier") {
        if (FUNCTION_VALUES.has(value.type)) consider(node, name, "function");
        else if (CLASS_TYPES.has(value.type) && !value.childForFieldName("name")) consider(node, name, "class");
      }
    } else consider(node, node.childForFieldName("name"), "function-or-method");
  }
  capabilities.sort((a, b) => a.line - b.line || a.qualifiedName.localeCompare(b.qualifiedName));
  return {
    language,
    capabilities,
    syntaxErrors: root.hasError ? root.descendantsOfType("ERROR").slice(0, MAX_SYNTAX_ERRORS).map(lineOf) : [],
  };
}
