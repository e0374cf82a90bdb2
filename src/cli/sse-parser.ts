/**
 * Incremental Server-Sent Events parser: feed it decoded text as it arrives, get one callback per
 * complete event. Comment lines (`: heartbeat`) are reported separately so a client can tell the
 * stream is live. Handles `\n`, `\r\n` and `\r` line ends and multi-line `data:` fields.
 */
export class SseParser {
  private buffer = "";
  private data: string[] = [];
  private eventType = "";

  constructor(
    private readonly onEvent: (event: { type: string; data: string }) => void,
    private readonly onComment: (text: string) => void = () => {},
  ) {}

  feed(chunk: string): void {
    this.buffer += chunk;
    for (;;) {
      const match = /\r\n|\r|\n/.exec(this.buffer);
      // A lone trailing \r may be the first half of \r\n: wait for the next chunk.
      if (!match || (match[0] === "\r" && match.index === this.buffer.length - 1)) return;
      const line = this.buffer.slice(0, match.index);
      this.buffer = this.buffer.slice(match.index + match[0].length);
      this.line(line);
    }
  }

  private line(line: string): void {
    if (line === "") {
      if (this.data.length > 0) this.onEvent({ type: this.eventType || "message", data: this.data.join("\n") });
      this.data = [];
      this.eventType = "";
      return;
    }
    if (line.startsWith(":")) {
      this.onComment(line.slice(1).trimStart());
      return;
    }
    const colon = line.indexOf(":");
    const field = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? "" : line.slice(colon + 1);
    if (value.startsWith(" ")) value = value.slice(1);
    if (field === "data") this.data.push(value);
    else if (field === "event") this.eventType = value;
  }
}
