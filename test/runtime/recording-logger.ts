import type { LogFn, Logger } from "../../src/common/logger.js";

/** One line a {@link RecordingLogger} received, with the bindings of the child it came through. */
export interface RecordedLine {
  level: "trace" | "debug" | "info" | "warn" | "error" | "fatal";
  message: string;
  fields: Record<string, unknown>;
}

/** A Logger written against the minimal interface alone: it records every line, at every level. */
export class RecordingLogger implements Logger {
  readonly level = "trace";
  readonly trace = this.at("trace");
  readonly debug = this.at("debug");
  readonly info = this.at("info");
  readonly warn = this.at("warn");
  readonly error = this.at("error");
  readonly fatal = this.at("fatal");

  constructor(
    readonly lines: RecordedLine[] = [],
    private readonly bindings: Record<string, unknown> = {},
  ) {}

  child(bindings: Record<string, unknown>): Logger {
    return new RecordingLogger(this.lines, { ...this.bindings, ...bindings });
  }

  /** Lines at `level` whose message matches `pattern`. */
  find(level: RecordedLine["level"], pattern: RegExp): RecordedLine[] {
    return this.lines.filter((line) => line.level === level && pattern.test(line.message));
  }

  private at(level: RecordedLine["level"]): LogFn {
    return ((first: object | string, message?: string) => {
      const fields = typeof first === "string" ? {} : (first as Record<string, unknown>);
      this.lines.push({ level, message: typeof first === "string" ? first : (message ?? ""), fields: { ...this.bindings, ...fields } });
    }) as LogFn;
  }
}
