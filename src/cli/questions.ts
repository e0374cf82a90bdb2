import { Option, type Command } from "commander";
import type { QuestionsBody } from "../actors/curiosity/actor.js";
import { CliError } from "./cli-error.js";
import { writeOut, type CliIo } from "./cli-io.js";
import { positiveInteger, opsServerOptions } from "./command-options.js";
import { DEFAULT_OPS_URL, readConfigEndpoint, resolveConfigPath } from "./config-file.js";
import { ExitCode } from "./exit-codes.js";
import { OpsClient } from "./ops-client.js";

export interface QuestionsOptions {
  url?: string;
  config?: string;
  json?: boolean;
  severity?: "low" | "medium" | "high";
  monitor?: string;
  limit?: number;
}

/** Registers `plexus questions`. */
export function registerQuestionsCommand(program: Command, io: CliIo, setExit: (code: number) => void): void {
  opsServerOptions(
    program
      .command("questions")
      .description("list the questions monitors have asked a running runtime (its curiosity actor), most important first"),
  )
    .option("--json", "print the /questions answer as JSON instead of a table")
    .addOption(new Option("--severity <level>", "only questions of this severity or above").choices(["low", "medium", "high"]))
    .option("--monitor <id>", "only questions asked by this monitor (its child id)")
    .option("--limit <n>", "at most N questions", positiveInteger)
    .addHelpText(
      "after",
      `
Examples:
  plexus questions
  plexus questions --severity high --limit 10
  plexus questions -c config/plexus.yaml --monitor integration
  plexus questions --json | jq -r '.questions[] | "\\(.severity) \\(.question)"'

Questions come from the runtime's curiosity actor (kind: curiosity), which serves GET /questions.
Exit codes: 0 listed (also when there are none), 1 runtime unreachable or without a curiosity actor.`,
    )
    .action(async (options: QuestionsOptions) => setExit(await runQuestions(options, io)));
}

/** Prints the questions; returns the exit code. */
export async function runQuestions(options: QuestionsOptions, io: CliIo): Promise<number> {
  const url =
    options.url ??
    (options.config !== undefined ? readConfigEndpoint(resolveConfigPath(options.config, io.cwd), io.env).opsUrl() : DEFAULT_OPS_URL);
  const client = new OpsClient(url);
  const query = new URLSearchParams();
  if (options.severity !== undefined) query.set("severity", options.severity);
  if (options.monitor !== undefined) query.set("monitor", options.monitor);
  if (options.limit !== undefined) query.set("limit", String(options.limit));
  const path = `/questions${query.size > 0 ? `?${query.toString()}` : ""}`;
  const reply = await client.getJson<QuestionsBody & { error?: string }>(path);
  if (reply.status === 404) {
    throw new CliError(
      `${client.url} has no /questions: the runtime runs no curiosity actor; add a child { id: curiosity, kind: curiosity } to its config`,
    );
  }
  if (reply.status !== 200) {
    throw new CliError(
      `GET ${path} failed (HTTP ${reply.status}): ${reply.body.error ?? JSON.stringify(reply.body)}`,
      reply.status === 400 ? ExitCode.usage : ExitCode.failure,
    );
  }
  await writeOut(io.stdout, options.json ? `${JSON.stringify(reply.body, null, 2)}\n` : formatQuestions(reply.body));
  return ExitCode.ok;
}

/** The questions as an aligned table, with a summary line: what a person reads at a terminal. */
export function formatQuestions(body: QuestionsBody): string {
  const shown = body.questions.length;
  const summary =
    `${body.total} question${body.total === 1 ? "" : "s"}${shown < body.total ? ` (showing ${shown})` : ""}; ` +
    `${body.queued} queued of ${body.capacity}${body.evicted > 0 ? `, ${body.evicted} dropped when full` : ""}`;
  if (shown === 0) return `${summary}\n`;
  const rows: string[][] = [["SEVERITY", "MONITOR", "KIND", "SUBJECT", "QUESTION"]];
  for (const q of body.questions) {
    const places = q.evidence.slice(0, 3).map((item) => `${item.file}:${item.line}`);
    const more = q.evidence.length > places.length ? `, +${q.evidence.length - places.length} more` : "";
    rows.push([q.severity, q.monitor, q.kind, q.subject, `${q.question}${places.length > 0 ? ` [${places.join(", ")}${more}]` : ""}`]);
  }
  const widths = rows[0]!.map((_, column) => Math.max(...rows.map((row) => row[column]!.length)));
  const lines = rows.map((row) => row.map((cell, column) => (column === row.length - 1 ? cell : cell.padEnd(widths[column]!))).join("  "));
  return `${summary}\n${lines.join("\n")}\n`;
}
