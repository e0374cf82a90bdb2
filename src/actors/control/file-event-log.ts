import { mkdir, open, type FileHandle } from "node:fs/promises";
import { dirname } from "node:path";
import { PlexusError } from "../../common/errors.js";
import type { Logger } from "../../common/logger.js";
import { seqGapMessage, type EventLog } from "./event-log.js";
import { isLoggedTransition, type LoggedTransition } from "./lifecycle-ack.js";

/**
 * The event log as a file of JSON lines, one record per line, for the memory and zmq transports.
 * Every append is written and fsync'd before it resolves (the controller appends a batch of
 * commands at once, so one fsync covers many). A crash in the middle of a write leaves a torn last
 * line: loading cuts it off (the command it held was never acknowledged). A bad line followed by
 * good ones is not a torn write and stops the load. Byte offsets of each record are kept in memory
 * (8 bytes a record) so replay pages are read directly.
 */
export class FileEventLog implements EventLog {
  readonly where: string;
  private handle: FileHandle | undefined;
  /** offsets[i]: byte offset of the record with seq i + 1; the last entry is the end of the file. */
  private offsets: number[] = [0];
  private writing: Promise<void> = Promise.resolve();

  constructor(
    private readonly file: string,
    private readonly log: Logger,
  ) {
    this.where = `file ${file}`;
  }

  get lastSeq(): number {
    return this.offsets.length - 1;
  }

  async open(afterSeq: number): Promise<LoggedTransition[]> {
    await mkdir(dirname(this.file), { recursive: true });
    this.handle = await open(this.file, "a+");
    const content = await this.handle.readFile();
    const tail: LoggedTransition[] = [];
    let start = 0;
    let seq = 0;
    while (start < content.length) {
      const newline = content.indexOf(0x0a, start);
      const end = newline === -1 ? content.length : newline;
      const record = parseLine(content.subarray(start, end).toString("utf8"));
      if (newline === -1 || record === undefined || record.seq !== seq + 1) {
        this.checkTornTail(
          content,
          start,
          seq,
          newline === -1 ? "unterminated line" : record === undefined ? "unreadable line" : `seq ${record.seq}`,
        );
        await this.handle.truncate(start);
        await this.handle.datasync();
        break;
      }
      seq = record.seq;
      this.offsets.push(newline + 1);
      if (seq > afterSeq) tail.push(record);
      start = newline + 1;
    }
    return tail;
  }

  /** A bad record is only tolerated as the torn end of the file: nothing readable may follow it. */
  private checkTornTail(content: Buffer, start: number, seq: number, what: string): void {
    const rest = content.subarray(start).toString("utf8").split("\n").slice(1);
    if (rest.some((line) => parseLine(line) !== undefined)) {
      throw new PlexusError(
        "STATE_READ_FAILED",
        `event log ${this.file} is damaged after seq ${seq} (${what}) with readable records after it; move the file aside or repair it`,
        { retryable: false },
      );
    }
    this.log.warn({ file: this.file, afterSeq: seq, bytes: content.length - start, what }, "event log ended in a torn write; cut it off");
  }

  append(records: readonly LoggedTransition[]): Promise<void> {
    const run = this.writing.then(() => this.write(records));
    // A failed append fails its caller; the next one still runs after it.
    this.writing = run.catch(() => undefined);
    return run;
  }

  private async write(records: readonly LoggedTransition[]): Promise<void> {
    const handle = this.opened();
    const lines: Buffer[] = [];
    let seq = this.lastSeq;
    for (const record of records) {
      if (record.seq !== seq + 1) throw new PlexusError("STATE_WRITE_FAILED", seqGapMessage(this.where, seq, record.seq));
      seq = record.seq;
      lines.push(Buffer.from(`${JSON.stringify(record)}\n`, "utf8"));
    }
    const data = Buffer.concat(lines);
    let written = 0;
    while (written < data.length) written += (await handle.write(data, written, data.length - written)).bytesWritten;
    await handle.datasync();
    let offset = this.offsets[this.offsets.length - 1] ?? 0;
    for (const line of lines) this.offsets.push((offset += line.length));
  }

  async read(fromSeq: number, limit: number): Promise<LoggedTransition[]> {
    const handle = this.opened();
    const first = Math.max(1, fromSeq);
    const last = Math.min(this.lastSeq, first + limit - 1);
    if (last < first) return [];
    const position = this.offsets[first - 1] ?? 0;
    const length = (this.offsets[last] ?? 0) - position;
    const buffer = Buffer.alloc(length);
    let read = 0;
    while (read < length) {
      const { bytesRead } = await handle.read(buffer, read, length - read, position + read);
      if (bytesRead === 0) break;
      read += bytesRead;
    }
    const records: LoggedTransition[] = [];
    for (const line of buffer.subarray(0, read).toString("utf8").split("\n")) {
      const record = parseLine(line);
      if (record !== undefined) records.push(record);
    }
    return records;
  }

  async close(): Promise<void> {
    await this.writing;
    await this.handle?.close();
    this.handle = undefined;
  }

  private opened(): FileHandle {
    if (this.handle === undefined) throw new PlexusError("STATE_WRITE_FAILED", `event log ${this.file} is not open`);
    return this.handle;
  }
}

function parseLine(line: string): LoggedTransition | undefined {
  if (line.trim() === "") return undefined;
  try {
    const value: unknown = JSON.parse(line);
    return isLoggedTransition(value) ? value : undefined;
  } catch {
    return undefined;
  }
}
