import type { Node, Tree } from "web-tree-sitter";
import type { Dialect, DialectRule } from "./dialect.js";
import type { AttributeUse, ClassFacts, IntegrationFacts } from "./integration-facts.js";
import { resolveString } from "./resolve-string.js";

/** Methods that add to a collection; any other use of it reads it. */
const PUSH_METHODS = new Set(["append", "appendleft", "extend", "extendleft", "put", "put_nowait", "push", "unshift"]);
const CALLS = new Set(["call", "call_expression", "new_expression"]);
const MEMBERS = new Set(["attribute", "member_expression"]);
const ASSIGNMENTS = new Set(["assignment", "augmented_assignment", "assignment_expression", "augmented_assignment_expression"]);
const PATTERNS = new Set(["pattern_list", "tuple_pattern", "list_pattern", "array_pattern"]);
const CLASSES = new Set(["class_definition", "class_declaration", "class", "abstract_class_declaration"]);
const FIELDS = new Set(["public_field_definition", "field_definition"]);
const MAX_SYNTAX_ERRORS = 20;

/** The same node of one tree (by its id: no call into the parser, unlike comparing spans and types). */
const same = (a: Node | null | undefined, b: Node): boolean => !!a && a.id === b.id;
const lineOf = (node: Node): number => node.startPosition.row + 1;

interface ClassBuilder {
  facts: ClassFacts;
  assigned: Set<string>;
  used: Map<string, AttributeUse>;
  read: Set<string>;
}

/** The dialects' rules by call name, in the order they are tried, per dialect list (a worker sees few lists). */
const rulesByCallCache = new WeakMap<readonly Dialect[], Map<string, Array<{ dialect: string; rule: DialectRule }>>>();
function rulesByCallOf(dialects: readonly Dialect[]): Map<string, Array<{ dialect: string; rule: DialectRule }>> {
  let byCall = rulesByCallCache.get(dialects);
  if (!byCall) {
    byCall = new Map();
    for (const dialect of dialects)
      for (const rule of dialect.rules) {
        const list = byCall.get(rule.call);
        if (list) list.push({ dialect: dialect.name, rule });
        else byCall.set(rule.call, [{ dialect: dialect.name, rule }]);
      }
    rulesByCallCache.set(dialects, byCall);
  }
  return byCall;
}

const regexCache = new Map<string, RegExp>();
function regex(source: string): RegExp {
  let compiled = regexCache.get(source);
  if (!compiled) regexCache.set(source, (compiled = new RegExp(source, "i")));
  return compiled;
}

/**
 * The integration facts of one parsed file: what it publishes, subscribes, binds and connects
 * under the given dialects, and per class what its instances' attributes are assigned, used,
 * pushed to and read. Pure: the tree and the dialects in, facts out.
 */
export function extractFacts(tree: Tree, language: IntegrationFacts["language"], dialects: readonly Dialect[]): IntegrationFacts {
  const root = tree.rootNode;
  const facts: IntegrationFacts = {
    language,
    messages: [],
    endpoints: [],
    unresolved: [],
    constants: [],
    classes: [],
    foreignReads: [],
    syntaxErrors: root.hasError ? root.descendantsOfType("ERROR").slice(0, MAX_SYNTAX_ERRORS).map(lineOf) : [],
  };
  const constants = moduleConstants(root);
  const bindings = new Map<string, string>();
  for (const node of root.descendantsOfType(["assignment", "assignment_expression", "variable_declarator", ...FIELDS])) {
    const target = node.childForFieldName(node.type === "variable_declarator" || FIELDS.has(node.type) ? "name" : "left");
    if (target) bindings.set(FIELDS.has(node.type) ? `this.${target.text}` : target.text, node.text.slice(0, 200));
  }
  for (const parameter of root.descendantsOfType(["required_parameter", "optional_parameter"])) {
    const name = parameter.childForFieldName("pattern");
    if (name && isParameterProperty(parameter)) bindings.set(`this.${name.text}`, parameter.text);
  }
  const rulesByCall = rulesByCallOf(dialects);
  const usedConstants = new Set<string>();
  const foreign = new Set<string>();
  const selfName = language === "python" ? "self" : "this";

  // Every `type` (like every field or parent lookup) is a call into the parser's wasm, the
  // analysis's main cost: each node's type is read once per visit.
  const visit = (node: Node, cls: ClassBuilder | undefined): void => {
    const type = node.type;
    if (CLASSES.has(type)) {
      const builder = startClass(node, language);
      facts.classes.push(builder.facts);
      for (const child of node.namedChildren) visit(child, builder);
      finishClass(builder);
      return;
    }
    if (CALLS.has(type)) {
      matchCall(node, type);
      if (cls && isDynamicCall(node, selfName)) cls.facts.dynamic = true;
    } else if (MEMBERS.has(type)) member(node, type, cls);
    for (const child of node.namedChildren) visit(child, cls);
  };

  const member = (node: Node, type: string, cls: ClassBuilder | undefined): void => {
    const object = node.childForFieldName("object");
    if (!object) return;
    const onSelf = object.text === selfName;
    if (onSelf && !cls) return;
    const name = node.childForFieldName(type === "attribute" ? "attribute" : "property")?.text;
    if (!name) return;
    const parent = node.parent;
    if (!parent) return;
    const parentType = parent.type;
    const isTarget = (ASSIGNMENTS.has(parentType) && same(parent.childForFieldName("left"), node)) || PATTERNS.has(parentType);
    const isCallee = CALLS.has(parentType) && same(parent.childForFieldName("function"), node);
    const parentIsMember = MEMBERS.has(parentType);
    if (!onSelf) {
      if (!isTarget && !isCallee && !(parentIsMember && isPushCall(parent, parentType))) foreign.add(name);
      return;
    }
    if (isTarget) cls!.assigned.add(name);
    else if (isCallee)
      return; // `self.method()`
    else if (parentIsMember && same(parent.childForFieldName("object"), node) && isCalledMember(parent)) {
      if (isPushCall(parent, parentType)) cls!.facts.pushed.push({ attr: name, line: lineOf(node) });
      else {
        if (!cls!.used.has(name)) cls!.used.set(name, { attr: name, line: lineOf(node) });
        cls!.read.add(name);
      }
    } else cls!.read.add(name);
  };

  const matchCall = (node: Node, type: string): void => {
    const callee = node.childForFieldName(type === "new_expression" ? "constructor" : "function");
    if (!callee) return;
    let name: string | undefined;
    let receiver: Node | null = null;
    const calleeType = callee.type;
    if (calleeType === "identifier") name = callee.text;
    else if (MEMBERS.has(calleeType)) name = callee.childForFieldName(calleeType === "attribute" ? "attribute" : "property")?.text;
    // Most calls match no rule: their arguments and receiver are never looked at.
    const candidates = name === undefined ? undefined : rulesByCall.get(name);
    if (!candidates) return;
    if (calleeType !== "identifier") receiver = callee.childForFieldName("object");
    const args = argumentsOf(node);
    for (const { dialect, rule } of candidates) {
      if (!ruleApplies(rule, receiver, args.positional, bindings)) continue;
      record(rule, dialect, node, args);
      return;
    }
  };

  const record = (rule: DialectRule, dialect: string, call: Node, args: Arguments): void => {
    const line = lineOf(call);
    const targets = argumentTargets(rule, args);
    if (targets === "absent") return;
    for (const target of targets) {
      const used = new Set<string>();
      const value = target ? resolveString(target, constants, used) : undefined;
      if (value === undefined) {
        facts.unresolved.push({ role: rule.role, dialect, line });
        continue;
      }
      if (rule.ignore?.includes(value)) continue;
      for (const constant of used) usedConstants.add(constant);
      if (rule.role === "bind" || rule.role === "connect") {
        if (value.includes("://")) facts.endpoints.push({ role: rule.role, endpoint: value, dialect, line });
      } else
        facts.messages.push({
          role: rule.role,
          topic: value,
          match: rule.role === "subscribe" ? (rule.match ?? "wildcard") : "exact",
          dialect,
          line,
        });
    }
  };

  visit(root, undefined);
  facts.constants = [...usedConstants];
  facts.foreignReads = [...foreign];
  return facts;
}

function isParameterProperty(parameter: Node): boolean {
  return parameter.children.some(
    (child) => child.type === "accessibility_modifier" || child.type === "readonly" || child.text === "readonly",
  );
}

/** Module-level string constants, each resolved with those declared before it. */
function moduleConstants(root: Node): Map<string, string> {
  const constants = new Map<string, string>();
  const define = (name: Node | null, value: Node | null): void => {
    if (name?.type !== "identifier" || !value) return;
    const resolved = resolveString(value, constants);
    if (resolved !== undefined) constants.set(name.text, resolved);
  };
  for (const statement of root.namedChildren) {
    const declaration = statement.type === "export_statement" ? statement.childForFieldName("declaration") : statement;
    if (!declaration) continue;
    if (declaration.type === "expression_statement") {
      const assignment = declaration.namedChildren[0];
      if (assignment?.type === "assignment") define(assignment.childForFieldName("left"), assignment.childForFieldName("right"));
    } else if (declaration.type === "lexical_declaration" || declaration.type === "variable_declaration") {
      for (const declarator of declaration.namedChildren)
        if (declarator.type === "variable_declarator") define(declarator.childForFieldName("name"), declarator.childForFieldName("value"));
    }
  }
  return constants;
}

interface Arguments {
  positional: Node[];
  keywords: Map<string, Node>;
}

function argumentsOf(call: Node): Arguments {
  const positional: Node[] = [];
  const keywords = new Map<string, Node>();
  for (const arg of call.childForFieldName("arguments")?.namedChildren ?? []) {
    if (arg.type === "comment") continue;
    if (arg.type === "keyword_argument") {
      const name = arg.childForFieldName("name")?.text;
      const value = arg.childForFieldName("value");
      if (name && value) keywords.set(name, value);
    } else positional.push(arg);
  }
  return { positional, keywords };
}

function ruleApplies(
  rule: DialectRule,
  receiver: Node | null,
  positional: readonly Node[],
  bindings: ReadonlyMap<string, string>,
): boolean {
  if (rule.receiver !== undefined) {
    if (!receiver) return false;
    const text = `${receiver.text} ${bindings.get(receiver.text) ?? ""}`;
    if (!regex(rule.receiver).test(text)) return false;
  }
  if (rule.when !== undefined) {
    const candidates = rule.whenArg === undefined ? positional : positional.slice(rule.whenArg, rule.whenArg + 1);
    if (!candidates.some((arg) => regex(rule.when!).test(arg.text))) return false;
  }
  return true;
}

/** The nodes holding the topics or endpoint of a matched call; `absent` when the call has no such argument (nothing to count). */
function argumentTargets(rule: DialectRule, args: Arguments): Array<Node | null> | "absent" {
  let arg: Node | undefined;
  if (rule.take === "after-streams") {
    const at = args.positional.findIndex((candidate) => /^['"`]streams['"`]$/i.test(candidate.text));
    arg = at >= 0 ? args.positional[at + 1] : undefined;
  } else arg = (rule.keyword !== undefined ? args.keywords.get(rule.keyword) : undefined) ?? args.positional[rule.arg ?? 0];
  if (!arg) return "absent";
  if (rule.take === "first-element") {
    if (!["list", "tuple", "array"].includes(arg.type)) return "absent"; // a single frame carries no topic
    return [arg.namedChildren.find((child) => child.type !== "comment") ?? null];
  }
  if (rule.take === "dict-keys") {
    if (arg.type !== "dictionary" && arg.type !== "object") return [null];
    return arg.namedChildren.filter((pair) => pair.type === "pair").map((pair) => pair.childForFieldName("key"));
  }
  return [arg];
}

function isCalledMember(node: Node): boolean {
  const parent = node.parent;
  return !!parent && CALLS.has(parent.type) && same(parent.childForFieldName("function"), node);
}

/** `x.append(…)`, `x.push(…)`: `node` is the member `x.append`, of type `type`. */
function isPushCall(node: Node, type: string): boolean {
  const method = node.childForFieldName(type === "attribute" ? "attribute" : "property")?.text;
  return !!method && PUSH_METHODS.has(method) && isCalledMember(node);
}

/** `setattr(self, …)` or `Object.assign(this, …)`: attributes the analysis cannot see. */
function isDynamicCall(call: Node, selfName: string): boolean {
  const callee = call.childForFieldName("function")?.text;
  if (callee !== "setattr" && callee !== "Object.assign") return false;
  return call.childForFieldName("arguments")?.namedChildren[0]?.text === selfName;
}

function startClass(node: Node, language: IntegrationFacts["language"]): ClassBuilder {
  const bases: string[] = [];
  if (language === "python") {
    for (const base of node.childForFieldName("superclasses")?.namedChildren ?? [])
      if (base.type !== "keyword_argument") bases.push(base.text);
  } else {
    const heritage = node.namedChildren.find((child) => child.type === "class_heritage");
    const extendsClause = heritage?.namedChildren.find((child) => child.type === "extends_clause") ?? heritage;
    const value = extendsClause?.childForFieldName("value") ?? extendsClause?.namedChildren[0];
    if (value) bases.push(value.text);
  }
  const builder: ClassBuilder = {
    facts: {
      name: node.childForFieldName("name")?.text ?? "<anonymous>",
      line: lineOf(node),
      bases: bases
        .map((base) =>
          base
            .replace(/[[<(].*$/s, "")
            .split(".")
            .pop()!
            .trim(),
        )
        .filter((base) => base !== "" && base !== "object"),
      dynamic: false,
      assigned: [],
      used: [],
      pushed: [],
      read: [],
    },
    assigned: new Set(),
    used: new Map(),
    read: new Set(),
  };
  for (const member of node.childForFieldName("body")?.namedChildren ?? []) declareMember(member, builder);
  return builder;
}

/** What a class body declares directly: fields, class attributes, methods, parameter properties. */
function declareMember(member: Node, builder: ClassBuilder): void {
  const definition = member.type === "decorated_definition" ? member.childForFieldName("definition") : member;
  if (!definition) return;
  if (definition.type === "function_definition" || definition.type === "method_definition" || FIELDS.has(definition.type)) {
    const name = definition.childForFieldName("name")?.text;
    if (!name) return;
    builder.assigned.add(name);
    if (name === "__getattr__" || name === "__getattribute__") builder.facts.dynamic = true;
    if (name === "constructor")
      for (const parameter of definition.childForFieldName("parameters")?.namedChildren ?? []) {
        const pattern = parameter.childForFieldName("pattern");
        if (pattern && isParameterProperty(parameter)) builder.assigned.add(pattern.text);
      }
  } else if (definition.type === "expression_statement") {
    const assignment = definition.namedChildren[0];
    const left = assignment?.type === "assignment" ? assignment.childForFieldName("left") : null;
    if (left?.type === "identifier") builder.assigned.add(left.text);
  }
}

function finishClass(builder: ClassBuilder): void {
  builder.facts.assigned = [...builder.assigned];
  builder.facts.used = [...builder.used.values()];
  builder.facts.read = [...builder.read];
}
