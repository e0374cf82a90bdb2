import type { Node } from "web-tree-sitter";

/** 1-based line of a node. */
export const lineOf = (node: Node): number => node.startPosition.row + 1;

/** Class definitions in both grammars. */
export const CLASS_TYPES: ReadonlySet<string> = new Set(["class_definition", "class_declaration", "class", "abstract_class_declaration"]);

/** Function definitions that are not methods' own node types, in both grammars. */
export const FUNCTION_TYPES: ReadonlySet<string> = new Set([
  "function_definition",
  "function_declaration",
  "generator_function_declaration",
]);

/** Values that make a `const x = …` a function definition. */
export const FUNCTION_VALUES: ReadonlySet<string> = new Set(["arrow_function", "function_expression", "function", "generator_function"]);

/**
 * The decorators on a definition, as dotted names without arguments (`app.route`, `Injectable`):
 * Python's `decorated_definition`, and TypeScript's decorators wherever the grammar puts them (on
 * the declaration, on its `export` statement, or as the class body's entries before a method).
 */
export function decoratorsOf(definition: Node): string[] {
  const found: Node[] = [];
  const parent = definition.parent;
  if (parent?.type === "decorated_definition")
    return parent.namedChildren
      .filter((child) => child.type === "decorator")
      .map(decoratorName)
      .filter((name) => name !== "");
  found.push(...definition.namedChildren.filter((child) => child.type === "decorator"));
  const holder = parent?.type === "export_statement" ? parent : definition;
  if (holder !== definition) found.push(...holder.namedChildren.filter((child) => child.type === "decorator"));
  for (let sibling = holder.previousNamedSibling; sibling?.type === "decorator"; sibling = sibling.previousNamedSibling)
    found.push(sibling);
  return found.map(decoratorName).filter((name) => name !== "");
}

function decoratorName(decorator: Node): string {
  let expression = decorator.namedChildren[0];
  if (expression && (expression.type === "call" || expression.type === "call_expression"))
    expression = expression.childForFieldName("function") ?? expression;
  return (expression?.text ?? "").replace(/<.*$/s, "").replace(/\s+/g, "");
}

/** The class a method belongs to, when `definition` is one of its direct members. */
export function owningClass(definition: Node): Node | undefined {
  let node = definition.parent;
  if (node?.type === "decorated_definition") node = node.parent;
  if (!node || (node.type !== "block" && node.type !== "class_body")) return undefined;
  const owner = node.parent;
  return owner && CLASS_TYPES.has(owner.type) ? owner : undefined;
}
