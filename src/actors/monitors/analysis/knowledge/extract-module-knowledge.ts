import type { Node, Tree } from "web-tree-sitter";
import { lineOf } from "../tree-sitter/syntax.js";
import type { ModuleFacts, UndocumentedDefinition } from "./knowledge-facts.js";

const MAX_SYNTAX_ERRORS = 20;

/** Declarations whose `name` a document may refer to. */
const NAMED = [
  "class_definition",
  "function_definition",
  "class_declaration",
  "abstract_class_declaration",
  "function_declaration",
  "generator_function_declaration",
  "method_definition",
  "interface_declaration",
  "type_alias_declaration",
  "enum_declaration",
  "variable_declarator",
  "public_field_definition",
  "method_signature",
  "property_signature",
];
const IMPORTS = ["import_statement", "import_from_statement"];
const IDENTIFIERS = new Set(["identifier", "type_identifier", "property_identifier"]);
const TS_EXPORTED = new Set([
  "function_declaration",
  "generator_function_declaration",
  "class_declaration",
  "abstract_class_declaration",
  "interface_declaration",
  "type_alias_declaration",
  "enum_declaration",
]);

/** Every name a module defines (at any depth) or imports. */
function symbolsOf(root: Node): string[] {
  const names = new Set<string>();
  for (const node of root.descendantsOfType(NAMED)) {
    const name = node.childForFieldName("name");
    if (name && IDENTIFIERS.has(name.type)) names.add(name.text);
  }
  for (const node of root.descendantsOfType("assignment")) {
    const left = node.childForFieldName("left");
    if (left?.type === "identifier") names.add(left.text);
  }
  for (const node of root.descendantsOfType(IMPORTS))
    for (const identifier of node.descendantsOfType(["identifier", "type_identifier"])) names.add(identifier.text);
  return [...names];
}

/** Python: the first statement of a body is a string. */
function hasDocstring(definition: Node): boolean {
  const first = definition.childForFieldName("body")?.namedChildren.find((child) => child.type !== "comment");
  return first?.type === "expression_statement" && first.namedChildren[0]?.type === "string";
}

/** TypeScript: a `/** … *\/` comment right before the node (decorators between are allowed). */
function hasTsDoc(node: Node): boolean {
  let previous = node.previousNamedSibling;
  while (previous?.type === "decorator") previous = previous.previousNamedSibling;
  return previous?.type === "comment" && previous.text.startsWith("/**") && previous.endPosition.row >= node.startPosition.row - 1;
}

interface Definition {
  name: string;
  line: number;
  documented: boolean;
}

function pythonDefinitions(root: Node): Definition[] {
  const found: Definition[] = [];
  const definitionOf = (statement: Node): Node | null =>
    statement.type === "decorated_definition" ? statement.childForFieldName("definition") : statement;
  for (const statement of root.namedChildren) {
    const definition = definitionOf(statement);
    if (!definition || (definition.type !== "function_definition" && definition.type !== "class_definition")) continue;
    const name = definition.childForFieldName("name")?.text;
    if (!name || name.startsWith("_")) continue;
    found.push({ name, line: lineOf(definition), documented: hasDocstring(definition) });
    if (definition.type !== "class_definition") continue;
    for (const member of definition.childForFieldName("body")?.namedChildren ?? []) {
      const method = definitionOf(member);
      const methodName = method?.type === "function_definition" ? method.childForFieldName("name")?.text : undefined;
      if (!method || !methodName || methodName.startsWith("_")) continue;
      found.push({ name: `${name}.${methodName}`, line: lineOf(method), documented: hasDocstring(method) });
    }
  }
  return found;
}

function typescriptDefinitions(root: Node): Definition[] {
  const found: Definition[] = [];
  for (const statement of root.namedChildren) {
    if (statement.type !== "export_statement") continue;
    const documented = hasTsDoc(statement);
    const declaration = statement.childForFieldName("declaration") ?? statement.childForFieldName("value");
    if (!declaration) continue;
    if (declaration.type === "lexical_declaration" || declaration.type === "variable_declaration") {
      for (const declarator of declaration.namedChildren) {
        const name = declarator.type === "variable_declarator" ? declarator.childForFieldName("name") : null;
        if (name?.type === "identifier") found.push({ name: name.text, line: lineOf(declarator), documented });
      }
      continue;
    }
    if (!TS_EXPORTED.has(declaration.type)) continue;
    const name = declaration.childForFieldName("name")?.text ?? "default";
    found.push({ name, line: lineOf(declaration), documented });
    if (declaration.type !== "class_declaration" && declaration.type !== "abstract_class_declaration") continue;
    for (const member of declaration.childForFieldName("body")?.namedChildren ?? []) {
      if (member.type !== "method_definition") continue;
      const methodName = member.childForFieldName("name");
      if (!methodName || methodName.type === "private_property_identifier" || methodName.text === "constructor") continue;
      const hidden = member.namedChildren.some(
        (child) => child.type === "accessibility_modifier" && (child.text === "private" || child.text === "protected"),
      );
      if (!hidden) found.push({ name: `${name}.${methodName.text}`, line: lineOf(member), documented: hasTsDoc(member) });
    }
  }
  return found;
}

/**
 * What one parsed module offers documents and readers: the names it defines or imports, and its
 * public definitions without documentation (Python docstrings, TSDoc `/** *\/` comments). Pure.
 */
export function extractModuleKnowledge(tree: Tree, language: ModuleFacts["language"]): ModuleFacts {
  const root = tree.rootNode;
  const definitions = language === "python" ? pythonDefinitions(root) : typescriptDefinitions(root);
  const undocumented: UndocumentedDefinition[] = definitions
    .filter((definition) => !definition.documented)
    .map(({ name, line }) => ({ name, line }));
  return {
    language,
    symbols: symbolsOf(root),
    publicDefinitions: definitions.length,
    undocumented,
    syntaxErrors: root.hasError ? root.descendantsOfType("ERROR").slice(0, MAX_SYNTAX_ERRORS).map(lineOf) : [],
  };
}
