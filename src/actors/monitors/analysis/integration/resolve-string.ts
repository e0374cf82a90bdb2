import type { Node } from "web-tree-sitter";

/** Module-level string constants of one file, by name, in declaration order. */
export type Constants = ReadonlyMap<string, string>;

const ESCAPES: Record<string, string> = {
  n: "\n",
  t: "\t",
  r: "\r",
  "0": "\0",
  "\\": "\\",
  "'": "'",
  '"': '"',
  "`": "`",
  $: "$",
  "{": "{",
};

function unescape(text: string): string {
  return text.replace(/\\(.)/gs, (whole, char: string) => ESCAPES[char] ?? whole);
}

const PYTHON_ENV_CALLS = new Set(["os.getenv", "getenv", "os.environ.get", "environ.get"]);

/**
 * The string an expression evaluates to when it can be known from the file alone: literals
 * (Python bytes and f-strings, template literals), module-level constants, concatenation, and the
 * defaults of environment reads (`os.getenv("X", "d")`, `os.environ.get("X", "d")`,
 * `process.env.X ?? "d"`, `|| "d"`). `undefined` when any part is unknown: such places are
 * counted, never guessed. Names of the constants it used are added to `used`.
 */
export function resolveString(node: Node | null, constants: Constants, used?: Set<string>): string | undefined {
  if (!node) return undefined;
  switch (node.type) {
    case "string":
      return node.children.some((child) => child.type === "string_start") ? pythonString(node, constants, used) : typescriptString(node);
    case "template_string":
      return templateString(node, constants, used);
    case "concatenated_string": {
      const parts = node.namedChildren.map((child) => resolveString(child, constants, used));
      return parts.every((part) => part !== undefined) ? parts.join("") : undefined;
    }
    case "identifier": {
      const value = constants.get(node.text);
      if (value !== undefined) used?.add(node.text);
      return value;
    }
    case "parenthesized_expression":
    case "as_expression":
    case "satisfies_expression":
    case "non_null_expression":
      return resolveString(node.namedChildren[0] ?? null, constants, used);
    case "binary_operator":
    case "binary_expression":
      return binary(node, constants, used);
    case "boolean_operator":
      // `os.environ.get("X") or "d"`: the default is what the code falls back on.
      return node.childForFieldName("operator")?.text === "or" && isEnvRead(node.childForFieldName("left"))
        ? resolveString(node.childForFieldName("right"), constants, used)
        : undefined;
    case "call":
    case "call_expression":
      return call(node, constants, used);
    default:
      return undefined;
  }
}

function pythonString(node: Node, constants: Constants, used?: Set<string>): string | undefined {
  const prefix = (node.children[0]?.text ?? "").replace(/["']+$/, "").toLowerCase();
  const raw = prefix.includes("r");
  let value = "";
  for (const child of node.children) {
    if (child.type === "string_content") value += raw ? child.text : unescape(child.text);
    else if (child.type === "interpolation") {
      if (child.childForFieldName("type_conversion") || child.childForFieldName("format_specifier")) return undefined;
      const part = resolveString(child.childForFieldName("expression"), constants, used);
      if (part === undefined) return undefined;
      value += part;
    }
  }
  return value;
}

function typescriptString(node: Node): string {
  return unescape(node.text.slice(1, -1));
}

function templateString(node: Node, constants: Constants, used?: Set<string>): string | undefined {
  let value = "";
  for (const child of node.children) {
    if (child.type === "string_fragment") value += child.text;
    else if (child.type === "escape_sequence") value += unescape(child.text);
    else if (child.type === "template_substitution") {
      const part = resolveString(child.namedChildren[0] ?? null, constants, used);
      if (part === undefined) return undefined;
      value += part;
    }
  }
  return value;
}

function binary(node: Node, constants: Constants, used?: Set<string>): string | undefined {
  const operator = node.childForFieldName("operator")?.text;
  const left = node.childForFieldName("left");
  const right = node.childForFieldName("right");
  if (operator === "+") {
    const a = resolveString(left, constants, used);
    const b = a === undefined ? undefined : resolveString(right, constants, used);
    return a !== undefined && b !== undefined ? a + b : undefined;
  }
  if ((operator === "??" || operator === "||") && isEnvRead(left)) return resolveString(right, constants, used);
  return undefined;
}

/** `process.env.X`, `process.env["X"]`, `os.environ.get("X")`, `os.getenv("X")`. */
function isEnvRead(node: Node | null): boolean {
  if (!node) return false;
  if (node.type === "member_expression" || node.type === "subscript_expression")
    return node.childForFieldName("object")?.text === "process.env";
  if (node.type === "call") return PYTHON_ENV_CALLS.has(node.childForFieldName("function")?.text ?? "");
  return false;
}

function call(node: Node, constants: Constants, used?: Set<string>): string | undefined {
  const callee = node.childForFieldName("function");
  const args = (node.childForFieldName("arguments")?.namedChildren ?? []).filter((arg) => arg.type !== "comment");
  const calleeText = callee?.text ?? "";
  if (PYTHON_ENV_CALLS.has(calleeText)) {
    const keyword = args.find((arg) => arg.type === "keyword_argument" && arg.childForFieldName("name")?.text === "default");
    const fallback = keyword ? keyword.childForFieldName("value") : args.filter((arg) => arg.type !== "keyword_argument")[1];
    return fallback ? resolveString(fallback, constants, used) : undefined;
  }
  // `TOPIC.encode()`, `str(TOPIC)`, `String(TOPIC)`, `Buffer.from(TOPIC)`: the same text.
  if (callee?.type === "attribute" && callee.childForFieldName("attribute")?.text === "encode")
    return resolveString(callee.childForFieldName("object"), constants, used);
  if (["str", "String", "Buffer.from", "bytes"].includes(calleeText) && args[0]) return resolveString(args[0], constants, used);
  return undefined;
}
