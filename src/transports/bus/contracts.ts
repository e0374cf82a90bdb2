import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import type { Ajv2020, ErrorObject, ValidateFunction } from "ajv/dist/2020.js";
import type { ContractMode } from "./bus-config.js";
import { PlexusError } from "../../common/errors.js";
import { SubscriptionIndex } from "../subscription-index.js";
import { validatePattern } from "../topics.js";
import { addContractFormats } from "./contract-formats.js";

/**
 * Payload contracts: JSON Schema draft 2020-12 files, one per contract, each naming the topic
 * patterns it governs in a top-level `x-topic` (a string or an array of patterns):
 *
 * ```json
 * { "$schema": "https://json-schema.org/draft/2020-12/schema", "x-topic": "runtime.heartbeat",
 *   "type": "object", "properties": { "seq": { "type": "integer" } } }
 * ```
 *
 * A topic governed by several contracts must satisfy all of them.
 */

/** One compiled contract file. */
export interface Contract {
  /** Absolute path of the schema file. */
  schemaFile: string;
  patterns: string[];
  validate: ValidateFunction;
}

export type ContractCheck =
  | { ok: true }
  | {
      ok: false;
      /** JSON pointer (ajv `instancePath`) of the first failing value; "" is the payload itself. */
      pointer: string;
      /** Every failure, "<pointer> <ajv message>", joined by "; ". */
      message: string;
      schemaFile: string;
    };

/** A problem found while compiling one file. */
export interface ContractProblem {
  schemaFile: string;
  message: string;
  /** Where in `schemaFile` (1-based), when the problem has a position (a JSON syntax error). */
  line?: number;
  column?: number;
}

/** `file:line:column: message` (or `file: message`), as every contract problem is printed. */
export function formatContractProblem(problem: ContractProblem): string {
  const where = problem.line === undefined ? "" : `:${problem.line}:${problem.column ?? 1}`;
  return `${problem.schemaFile}${where}: ${problem.message}`;
}

export interface CompiledContracts {
  contracts: Contract[];
  problems: ContractProblem[];
}

const OK: ContractCheck = Object.freeze({ ok: true });

/** The contracts of a runtime and the mode they are applied in. */
export class ContractSet {
  private readonly index = new SubscriptionIndex<Contract>();

  constructor(
    readonly mode: ContractMode,
    readonly contracts: readonly Contract[],
  ) {
    for (const contract of contracts) {
      for (const pattern of contract.patterns) this.index.add(pattern, contract);
    }
  }

  /** True when some contract governs `topic` (the lookup is cached per topic). */
  governs(topic: string): boolean {
    return this.index.match(topic).length > 0;
  }

  /** Validates `payload` against every contract governing `topic`. Independent of `mode`. */
  check(topic: string, payload: unknown): ContractCheck {
    const governing = this.index.match(topic);
    for (let i = 0; i < governing.length; i++) {
      const contract = governing[i] as Contract;
      if (contract.validate(payload)) continue;
      const errors: ErrorObject[] = contract.validate.errors ?? [];
      const first = errors[0];
      return {
        ok: false,
        pointer: first?.instancePath ?? "",
        message: errors.map((e) => `${e.instancePath || "/"} ${e.message ?? "is invalid"}`).join("; "),
        schemaFile: contract.schemaFile,
      };
    }
    return OK;
  }
}

/**
 * Builds the ajv instance every contract is compiled with. ajv is loaded here, not when plexus is
 * imported: it is a large module that runtimes without contracts never need.
 */
async function createAjv(): Promise<Ajv2020> {
  const { Ajv2020 } = await import("ajv/dist/2020.js");
  // strict: a typo in a schema keyword is a compile error, not a silently ignored rule.
  const ajv = new Ajv2020({ allErrors: true, strict: true, strictRequired: false, allowUnionTypes: true });
  ajv.addKeyword({ keyword: "x-topic", schemaType: ["string", "array"] });
  addContractFormats(ajv);
  return ajv;
}

/**
 * Compiles every `*.json` file in `dir` and reports every problem at once (for `plexus validate`
 * and `plexus doctor`). A missing directory is one problem naming it.
 */
export async function compileContracts(dir: string): Promise<CompiledContracts> {
  const contracts: Contract[] = [];
  const problems: ContractProblem[] = [];
  let names: string[];
  try {
    names = (await readdir(dir)).filter((name) => name.endsWith(".json")).sort();
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code === "ENOENT" ? "does not exist" : `cannot be read (${(error as Error).message})`;
    problems.push({ schemaFile: dir, message: `contracts directory ${dir} ${reason}; create it or fix contracts.dir in the config` });
    return { contracts, problems };
  }
  const ajv = await createAjv();
  for (const name of names) {
    const schemaFile = path.join(dir, name);
    try {
      contracts.push(await compileFile(ajv, schemaFile));
    } catch (error) {
      const { line, column } = error as { line?: number; column?: number };
      problems.push({ schemaFile, message: (error as Error).message, ...(line === undefined ? {} : { line, column }) });
    }
  }
  return { contracts, problems };
}

/**
 * Loads the contracts of `dir` for the Bus. Throws PlexusError `CONTRACT_INVALID` (not retryable)
 * listing every file that does not compile.
 */
export async function loadContracts(dir: string, mode: ContractMode): Promise<ContractSet> {
  const { contracts, problems } = await compileContracts(dir);
  if (problems.length > 0) {
    const list = problems.map((problem) => `  ${formatContractProblem(problem)}`).join("\n");
    throw new PlexusError("CONTRACT_INVALID", `${problems.length} contract problem(s) in ${dir}:\n${list}`, { retryable: false });
  }
  return new ContractSet(mode, contracts);
}

async function compileFile(ajv: Ajv2020, schemaFile: string): Promise<Contract> {
  const text = await readFile(schemaFile, "utf8");
  let schema: unknown;
  try {
    schema = JSON.parse(text);
  } catch (error) {
    const message = (error as Error).message;
    throw Object.assign(new Error(`not valid JSON: ${message}`), jsonErrorPosition(text, message));
  }
  if (typeof schema !== "object" || schema === null || Array.isArray(schema)) {
    throw new Error("a contract must be a JSON Schema object");
  }
  const patterns = topicPatterns((schema as Record<string, unknown>)["x-topic"]);
  let validate: ValidateFunction;
  try {
    validate = ajv.compile(schema);
  } catch (error) {
    throw new Error(`schema does not compile: ${(error as Error).message}`);
  }
  return { schemaFile, patterns, validate };
}

/** Line and column (1-based) of a JSON.parse error, from the offset its message names. */
function jsonErrorPosition(text: string, message: string): { line?: number; column?: number } {
  const offset = /at position (\d+)/.exec(message)?.[1];
  if (offset === undefined) return {};
  const before = text.slice(0, Number(offset));
  const lineStart = before.lastIndexOf("\n") + 1;
  return { line: before.split("\n").length, column: before.length - lineStart + 1 };
}

function topicPatterns(value: unknown): string[] {
  const list = typeof value === "string" ? [value] : Array.isArray(value) ? value : undefined;
  if (list === undefined || list.length === 0) {
    throw new Error(`"x-topic" must be a topic pattern or a non-empty array of them (e.g. "runtime.heartbeat" or ["orders.*"])`);
  }
  return list.map((pattern: unknown) => {
    if (typeof pattern !== "string") throw new Error(`"x-topic" entries must be strings, got ${JSON.stringify(pattern)}`);
    try {
      validatePattern(pattern);
    } catch (error) {
      throw new Error(`"x-topic": ${(error as Error).message}`);
    }
    return pattern;
  });
}
