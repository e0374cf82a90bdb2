import { describe, expect, it } from "vitest";
import { SseParser } from "../../src/cli/sse-parser.js";

function parseInChunks(text: string, size: number) {
  const events: Array<{ type: string; data: string }> = [];
  const comments: string[] = [];
  const parser = new SseParser(
    (event) => events.push(event),
    (comment) => comments.push(comment),
  );
  for (let i = 0; i < text.length; i += size) parser.feed(text.slice(i, i + size));
  return { events, comments };
}

describe("SseParser", () => {
  const stream =
    ': subscribed a.*\r\n\r\ndata: {"n":1}\r\n\r\nevent: note\ndata: line one\ndata: line two\n\n: heartbeat\n\ndata:{"n":2}\r\rdata: no end yet';

  it("gives the same events and comments whatever the chunk boundaries (including a split \\r\\n)", () => {
    const whole = parseInChunks(stream, stream.length);
    expect(whole.events).toEqual([
      { type: "message", data: '{"n":1}' },
      { type: "note", data: "line one\nline two" },
      { type: "message", data: '{"n":2}' },
    ]);
    expect(whole.comments).toEqual(["subscribed a.*", "heartbeat"]);
    for (const size of [1, 2, 3, 7]) expect(parseInChunks(stream, size)).toEqual(whole);
  });
});
