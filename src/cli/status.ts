import type { Command } from "commander";
import type { ActorTreeNode } from "../runtime/lifecycle-types.js";
import type { HealthBody } from "../runtime/ops/health.js";
import { groupsOf } from "../transports/transport-metrics.js";
import { writeOut, type CliIo } from "./cli-io.js";
import { DEFAULT_OPS_URL, readConfigEndpoint, resolveConfigPath } from "./config-file.js";
import { ExitCode } from "./exit-codes.js";
import { opsServerOptions } from "./command-options.js";
import { OpsClient } from "./ops-client.js";

export interface StatusOptions {
  url?: string;
  config?: string;
  json?: boolean;
}

/** Registers `plexus status`. */
export function registerStatusCommand(program: Command, io: CliIo, setExit: (code: number) => void): void {
  opsServerOptions(program.command("status").description("show the live supervision tree of a running runtime"))
    .option("--json", "print {health, tree} as JSON instead of a table")
    .addHelpText(
      "after",
      `
Examples:
  plexus status
  plexus status -c config/plexus.yaml
  plexus status --url http://127.0.0.1:8001 --json | jq '.health.actors[] | select(.restarts > 0)'

Exit codes: 0 running, 1 unreachable, 2 reachable but not healthy (stopping or failed).`,
    )
    .action(async (options: StatusOptions) => setExit(await runStatus(options, io)));
}

/** Prints the tree; returns the exit code. */
export async function runStatus(options: StatusOptions, io: CliIo): Promise<number> {
  const url =
    options.url ??
    (options.config !== undefined ? readConfigEndpoint(resolveConfigPath(options.config, io.cwd), io.env).opsUrl() : DEFAULT_OPS_URL);
  const client = new OpsClient(url);
  const [health, tree] = await Promise.all([client.getJson<HealthBody>("/health"), client.getJson<ActorTreeNode>("/actors")]);
  if (options.json) {
    await writeOut(io.stdout, `${JSON.stringify({ health: health.body, tree: tree.body }, null, 2)}\n`);
  } else {
    const h = health.body;
    const summary = `runtime ${h.name}: ${h.state}${h.ready ? "" : " (not ready)"}${h.reason ? ` — ${h.reason}` : ""}`;
    await writeOut(io.stdout, `${summary}\n${formatTree(tree.body)}${formatTransport(h)}`);
  }
  return health.status === 200 ? ExitCode.ok : ExitCode.unhealthy;
}

/** The tree as an aligned table, children indented under their supervisor. */
export function formatTree(root: ActorTreeNode): string {
  const rows: string[][] = [["ID", "KIND", "STATE", "RESTARTS", "LAST ERROR"]];
  const visit = (node: ActorTreeNode, depth: number) => {
    rows.push([`${"  ".repeat(depth)}${node.id}`, node.kind, node.state, String(node.restarts), oneLine(node.lastError ?? "")]);
    for (const child of node.children ?? []) visit(child, depth + 1);
  };
  visit(root, 0);
  const widths = rows[0]!.map((_, column) => Math.max(...rows.map((row) => row[column]!.length)));
  return (
    rows
      .map((row) =>
        row
          .map((cell, column) => (column === row.length - 1 ? cell : cell.padEnd(widths[column]!)))
          .join("  ")
          .trimEnd(),
      )
      .join("\n") + "\n"
  );
}

/** Error messages can span lines (stack-like causes); a table row cannot. */
function oneLine(text: string): string {
  const flat = text.replace(/\s*\n\s*/g, " ⏎ ");
  return flat.length > 120 ? `${flat.slice(0, 117)}...` : flat;
}

/** The bus and transport counters: drops per socket (zmq high-water mark) and redis group lag/pending. */
export function formatTransport(health: HealthBody): string {
  const transport = health.transport;
  if (transport === undefined) return "";
  const lines = [
    "",
    `transport ${transport.kind}: ${transport.connected ? "connected" : "NOT CONNECTED"}; published ${transport.published}, delivered ${transport.delivered}, unrouted ${transport.unrouted}`,
  ];
  const drops = Object.entries(transport.drops).filter(([, count]) => count > 0);
  lines.push(`  drops: ${drops.length === 0 ? "none" : drops.map(([where, count]) => `${where} ${count}`).join(", ")}`);
  if (health.bus) {
    const bus = health.bus;
    const busDrops = Object.entries(bus.drops).filter(([, count]) => count > 0);
    lines.push(
      `bus: published ${bus.published}, delivered ${bus.delivered}, handler errors ${bus.handlerErrors}, dead-lettered ${bus.deadLettered}, ` +
        `contract rejections ${bus.rejectedByContract}, outbox ${bus.outbox.depth} waiting / ${bus.outbox.dropped} dropped` +
        (busDrops.length === 0 ? "" : `, mailbox drops ${busDrops.map(([reason, count]) => `${reason} ${count}`).join(", ")}`),
    );
  }
  const groups = Object.entries(groupsOf(transport));
  if (groups.length > 0) {
    const rows: string[][] = [["GROUP", "LAG", "PENDING", "DELIVERED", "ACKED", "RECLAIMED", "DEAD"]];
    for (const [group, figures] of groups) {
      const cell = (value: number | null | undefined) => (typeof value === "number" ? String(value) : "-");
      const { lag, pending, delivered, acked, reclaimed, deadLettered } = figures;
      rows.push([group, cell(lag), cell(pending), cell(delivered), cell(acked), cell(reclaimed), cell(deadLettered)]);
    }
    const widths = rows[0]!.map((_, column) => Math.max(...rows.map((row) => row[column]!.length)));
    lines.push(
      ...rows.map(
        (row) =>
          `  ${row
            .map((cell, column) => cell.padEnd(widths[column]!))
            .join("  ")
            .trimEnd()}`,
      ),
    );
  }
  return `${lines.join("\n")}\n`;
}
