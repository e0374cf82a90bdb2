import { execFileSync, fork, spawn, type ChildProcess } from "node:child_process";
import { readFileSync } from "node:fs";
import { createInterface } from "node:readline";

/** Clock ticks per second of /proc/<pid>/stat times. */
const TICKS = (() => {
  try {
    return Number(execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).trim()) || 100;
  } catch {
    return 100;
  }
})();

/**
 * One bench role in its own process, Node (IPC messages) or anything else (one JSON value per
 * stdout line, commands as JSON lines on stdin): the orchestrator talks to both the same way.
 */
export class BenchChild {
  private readonly listeners = new Set<(message: unknown) => void>();

  private constructor(
    readonly process: ChildProcess,
    private readonly lines: boolean,
  ) {
    if (lines && process.stdout !== null) {
      createInterface({ input: process.stdout }).on("line", (line) => {
        let message: unknown;
        try {
          message = JSON.parse(line);
        } catch {
          console.error(`[${this.name}] ${line}`);
          return;
        }
        for (const listener of [...this.listeners]) listener(message);
      });
    } else {
      process.on("message", (message) => {
        for (const listener of [...this.listeners]) listener(message);
      });
    }
  }

  /** A Node role module run with tsx, talking over IPC. */
  static node(module: string, args: string[]): BenchChild {
    return new BenchChild(fork(module, args, { execArgv: ["--import", "tsx"], stdio: ["ignore", "inherit", "inherit", "ipc"] }), false);
  }

  /** Any other program, talking in JSON lines. */
  static lines(command: string, args: string[]): BenchChild {
    return new BenchChild(spawn(command, args, { stdio: ["pipe", "pipe", "inherit"] }), true);
  }

  get name(): string {
    return this.process.spawnargs.slice(-4).join(" ");
  }

  /** The next message `accept` takes; rejects if the process exits first. */
  next<T>(accept: (message: unknown) => boolean = () => true): Promise<T> {
    return new Promise((resolve, reject) => {
      const onMessage = (message: unknown): void => {
        if (!accept(message)) return;
        this.listeners.delete(onMessage);
        this.process.off("exit", onExit);
        resolve(message as T);
      };
      const onExit = (code: number | null): void => {
        this.listeners.delete(onMessage);
        reject(new Error(`bench child ${this.name} exited with ${code}`));
      };
      this.listeners.add(onMessage);
      this.process.once("exit", onExit);
    });
  }

  send(message: unknown): void {
    if (this.lines) this.process.stdin?.write(`${JSON.stringify(message)}\n`);
    else this.process.send?.(message as object);
  }

  /** CPU seconds (user + system, all threads) the process has used so far, from /proc/<pid>/stat. */
  cpuSeconds(): number {
    const stat = readFileSync(`/proc/${this.process.pid}/stat`, "utf8");
    // Fields after the parenthesised command name; utime and stime are fields 14 and 15.
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return (Number(fields[11]) + Number(fields[12])) / TICKS;
  }

  /** SIGTERM, then SIGKILL if the process is still there after 3 s; resolves once it is gone. */
  async kill(): Promise<void> {
    if (this.process.exitCode !== null || this.process.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => this.process.once("exit", () => resolve()));
    this.process.kill();
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<"late">((resolve) => (timer = setTimeout(() => resolve("late"), 3_000)));
    if ((await Promise.race([exited, late])) === "late") {
      console.error(`bench child ${this.name} ignored SIGTERM; killing it`);
      this.process.kill("SIGKILL");
      await exited;
    }
    clearTimeout(timer);
  }
}
