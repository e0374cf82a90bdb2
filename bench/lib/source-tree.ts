/**
 * Generated source trees for the monitor benches: Python and TypeScript files of about 200 lines
 * each, with classes, methods, module constants and bus, ZeroMQ and Redis calls, deterministic
 * for a given file count (so every run and every contender reads the same tree).
 */
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";

/** Writes `files` source files (half Python, half TypeScript) under `root`, 50 per directory. */
export async function writeSourceTree(root: string, files: number): Promise<{ python: number; typescript: number; lines: number }> {
  let lines = 0;
  let python = 0;
  let typescript = 0;
  for (let n = 0; n < files; n++) {
    const dir = join(root, `pkg${Math.floor(n / 50)}`);
    if (n % 50 === 0) await mkdir(dir, { recursive: true });
    const text = n % 2 === 0 ? pythonModule(n) : typescriptModule(n);
    if (n % 2 === 0) python++;
    else typescript++;
    lines += text.split("\n").length;
    await writeFile(join(dir, n % 2 === 0 ? `module_${n}.py` : `module${n}.ts`), text);
  }
  return { python, typescript, lines };
}

/** One Python module of about 200 lines. */
export function pythonModule(n: number): string {
  const out: string[] = [
    `"""Module ${n}: generated for the monitor benches."""`,
    "import os",
    "import json",
    "import zmq",
    "",
    `TOPIC = "orders.${n % 17}.created"`,
    `REPLY = f"replies.{os.getenv('REGION', 'eu')}.${n % 5}"`,
    `PORT = os.getenv("PORT_${n % 9}", "${5500 + (n % 40)}")`,
    "",
  ];
  for (let c = 0; c < 3; c++) {
    out.push(
      `class Worker${n}x${c}:`,
      `    """Handles batch ${c} of module ${n}."""`,
      "",
      "    def __init__(self, bus, ctx):",
      "        self.bus = bus",
      "        self.queue = []",
      "        self.seen = {}",
      `        self.sock = ctx.socket(zmq.${c % 2 === 0 ? "PUB" : "SUB"})`,
      `        self.sock.${c === 0 ? "bind" : "connect"}(f"tcp://127.0.0.1:{PORT}")`,
      "",
    );
    for (let m = 0; m < 5; m++) {
      out.push(
        `    def step_${m}(self, item):`,
        `        """Step ${m}: checks the item and passes it on."""`,
        "        if item is None:",
        "            return None",
        `        total = sum(x * ${m + 1} for x in range(10))`,
        "        self.queue.append(item)",
        `        self.seen[item.get("id", ${m})] = total`,
        `        self.bus.publish(TOPIC, {"step": ${m}, "total": total})`,
        "        return json.dumps(item)",
        "",
      );
    }
    out.push(
      "    def drain(self):",
      "        while self.queue:",
      "            self.queue.pop(0)",
      `        self.bus.subscribe("orders.${(n + c) % 17}.*", self.step_0)`,
      "",
    );
  }
  return out.join("\n");
}

/** One TypeScript module of about 200 lines. */
export function typescriptModule(n: number): string {
  const out: string[] = [
    `/** Module ${n}: generated for the monitor benches. */`,
    `import { Publisher } from "zeromq";`,
    "",
    `const TOPIC = \`orders.${n % 17}.created\`;`,
    `const PORT = process.env.PORT_${n % 9} ?? "${5500 + (n % 40)}";`,
    "",
    "interface Item { id: string; total?: number }",
    "",
  ];
  for (let c = 0; c < 3; c++) {
    out.push(
      `export class Handler${n}x${c} {`,
      "  private readonly queue: Item[] = [];",
      "  private readonly seen = new Map<string, number>();",
      "  private readonly sock = new Publisher();",
      "",
      "  constructor(private readonly bus: { publish(topic: string, payload: unknown): Promise<void>; subscribe(p: string, h: (e: unknown) => void): Promise<void> }) {}",
      "",
      "  async open(): Promise<void> {",
      `    await this.sock.${c === 0 ? "bind" : "connect"}(\`tcp://127.0.0.1:\${PORT}\`);`,
      `    await this.bus.subscribe("orders.${(n + c) % 17}.*", (e) => this.step0(e as Item));`,
      "  }",
      "",
    );
    for (let m = 0; m < 5; m++) {
      out.push(
        `  /** Step ${m}: checks the item and passes it on. */`,
        `  async step${m}(item: Item): Promise<string | undefined> {`,
        "    if (!item) return undefined;",
        `    const total = Array.from({ length: 10 }, (_, x) => x * ${m + 1}).reduce((a, b) => a + b, 0);`,
        "    this.queue.push(item);",
        "    this.seen.set(item.id, total);",
        `    await this.bus.publish(TOPIC, { step: ${m}, total });`,
        "    return JSON.stringify(item);",
        "  }",
        "",
      );
    }
    out.push("  drain(): void {", "    while (this.queue.length > 0) this.queue.shift();", "  }", "}", "");
  }
  return out.join("\n");
}
