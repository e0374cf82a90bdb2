import { describe, expect, it } from "vitest";
import { ZmqSendQueue, type FrameSocket } from "../../../src/transports/zmq/send-queue.js";
import { waitFor } from "../../helpers/wait.js";

/** A socket that refuses with EAGAIN while `full` is true, like a NODROP PUB at its HWM. */
function fakeSocket(): FrameSocket & { sent: string[]; full: boolean; concurrent: number; maxConcurrent: number } {
  const socket = {
    sent: [] as string[],
    full: false,
    concurrent: 0,
    maxConcurrent: 0,
    async send(frames: string[]): Promise<void> {
      socket.concurrent++;
      socket.maxConcurrent = Math.max(socket.maxConcurrent, socket.concurrent);
      try {
        await Promise.resolve();
        if (socket.full) throw Object.assign(new Error("Operation was not possible"), { code: "EAGAIN" });
        socket.sent.push(frames[1] as string);
      } finally {
        socket.concurrent--;
      }
    },
  };
  return socket;
}

const messages = (from: number, count: number) => Array.from({ length: count }, (_, i) => ({ frames: ["t", String(from + i)], count: 1 }));

describe("ZmqSendQueue", () => {
  it("drops (and counts) beyond its bound when noDrop is false, sending the rest in order", async () => {
    const socket = fakeSocket();
    const drops: Array<[number, string]> = [];
    const queue = new ZmqSendQueue(socket, { capacity: 4, noDrop: false, onDrop: (count, reason) => void drops.push([count, reason]) });
    socket.full = true;
    expect(queue.enqueue(messages(0, 10))).toBeUndefined(); // never blocks the publisher
    expect(queue.dropped).toBe(6);
    expect(drops).toEqual([[6, "send-queue-full"]]);
    await waitFor(() => queue.socketFullRetries > 2, "retries on a full socket");
    socket.full = false;
    await waitFor(() => socket.sent.length === 4, "the queued four");
    expect(socket.sent).toEqual(["0", "1", "2", "3"]);
    expect(socket.maxConcurrent).toBe(1); // zeromq.js forbids concurrent sends
  });

  it("with noDrop waits for room and resolves once sent, losing nothing", async () => {
    const socket = fakeSocket();
    const queue = new ZmqSendQueue(socket, { capacity: 2, noDrop: true, onDrop: () => undefined });
    socket.full = true;
    let settled = 0;
    const pending = [0, 1, 2, 3, 4].map((i) => (queue.enqueue(messages(i * 3, 3)) as Promise<void>).then(() => void settled++));
    await waitFor(() => queue.socketFullRetries > 2, "a full socket");
    expect(settled).toBe(0);
    socket.full = false;
    await Promise.all(pending);
    expect(socket.sent).toEqual(Array.from({ length: 15 }, (_, i) => String(i)));
    expect(queue.dropped).toBe(0);
  });

  it("counts what close() could not flush and rejects waiting publishers", async () => {
    const socket = fakeSocket();
    const drops: Array<[number, string]> = [];
    const queue = new ZmqSendQueue(socket, { capacity: 3, noDrop: true, onDrop: (count, reason) => void drops.push([count, reason]) });
    socket.full = true;
    const first = queue.enqueue(messages(0, 3)) as Promise<void>;
    const waiting = queue.enqueue(messages(3, 2)) as Promise<void>;
    await waitFor(() => queue.socketFullRetries > 0, "a full socket");
    await queue.close(20);
    await expect(first).rejects.toThrow(/closed/);
    await expect(waiting).rejects.toThrow(/closed/);
    // All of the first batch plus the one message of the second that found room; the second
    // batch's last message never entered the queue: its publisher got the rejection instead.
    expect(queue.dropped).toBe(4);
    expect(drops.reduce((sum, [count]) => sum + count, 0)).toBe(4);
  });
});
