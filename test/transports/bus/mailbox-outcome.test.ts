import { describe, expect, it } from "vitest";
import type { OverflowPolicy } from "../../../src/transports/bus/bus.js";
import { Mailbox } from "../../../src/transports/bus/mailbox.js";
import { createEnvelope, type Envelope } from "../../../src/transports/envelope.js";
import { waitFor } from "../../helpers/wait.js";

/** What one message's delivery reported: through the callback, or through the promise of `offer`. */
interface Reported {
  handled: boolean;
  code?: unknown;
  calls: number;
}

interface Scenario {
  overflow: OverflowPolicy;
  capacity: number;
  /** Per payload: what the handler does. */
  handler: (n: number) => unknown;
  /** True when the handler's error is final (dead-lettered), so the message is acknowledged. */
  final?: boolean;
  messages: number;
  /** Closes the mailbox right after offering. */
  closeAfter?: boolean;
}

function mailbox(s: Scenario): Mailbox {
  return new Mailbox(
    { label: "t", capacity: s.capacity, overflow: s.overflow, concurrency: 1, acknowledged: true, refusal: "reject-promise" },
    {
      run: (envelope: Envelope) => s.handler(envelope.payload as number),
      onHandlerError: () => s.final === true,
      onDrop: () => undefined,
    },
  );
}

/** Runs the scenario with the callback form, and again with the promise form; both reports per message. */
async function both(s: Scenario): Promise<{ callback: Reported[]; promise: Reported[] }> {
  const callback: Reported[] = [];
  const byCallback = mailbox(s);
  for (let n = 0; n < s.messages; n++) {
    const report: Reported = { handled: false, calls: 0 };
    callback.push(report);
    byCallback.offerWithOutcome(createEnvelope("t.x", n, "test"), (handled, error) => {
      report.calls++;
      report.handled = handled;
      if (!handled) report.code = (error as { code?: unknown }).code ?? (error as Error).message;
    });
  }
  if (s.closeAfter) byCallback.close();
  const byPromise = mailbox(s);
  const promises = Array.from({ length: s.messages }, (_, n) => byPromise.offer(createEnvelope("t.x", n, "test")));
  if (s.closeAfter) byPromise.close();
  const promise = (await Promise.allSettled(promises)).map((r): Reported =>
    r.status === "fulfilled"
      ? { handled: true, calls: 1 }
      : { handled: false, calls: 1, code: (r.reason as { code?: unknown }).code ?? (r.reason as Error).message },
  );
  // Every message reports: then a second report would already be counted.
  await waitFor(() => callback.every((r) => r.calls > 0), "every message reported through its callback");
  return { callback, promise };
}

describe("mailbox outcome callback (ack mode without a promise per message)", () => {
  const failing = (n: number) => {
    if (n % 2 === 1) throw new Error(`odd ${n}`);
  };
  const cases: Array<[string, Scenario]> = [
    ["synchronous handler", { overflow: "block", capacity: 10, handler: () => undefined, messages: 5 }],
    ["asynchronous handler", { overflow: "block", capacity: 10, handler: () => Promise.resolve(), messages: 5 }],
    ["handler errors, left pending", { overflow: "block", capacity: 10, handler: failing, messages: 4 }],
    ["handler errors, dead-lettered for good", { overflow: "block", capacity: 10, handler: failing, final: true, messages: 4 }],
    ["rejecting async handler", { overflow: "block", capacity: 10, handler: () => Promise.reject(new Error("no")), messages: 2 }],
    ["drop-oldest", { overflow: "drop-oldest", capacity: 2, handler: () => undefined, messages: 5 }],
    ["drop-newest", { overflow: "drop-newest", capacity: 2, handler: () => undefined, messages: 5 }],
    ["reject", { overflow: "reject", capacity: 2, handler: () => undefined, messages: 5 }],
    ["block beyond the blocked bound", { overflow: "block", capacity: 2, handler: () => undefined, messages: 6 }],
    [
      "closed with messages queued and blocked",
      { overflow: "block", capacity: 2, handler: () => undefined, messages: 4, closeAfter: true },
    ],
  ];
  it.each(cases)("%s: reported exactly once per message, as the promise form settles", async (_name, scenario) => {
    const { callback, promise } = await both(scenario);
    expect(callback.map((r) => r.calls)).toEqual(promise.map(() => 1));
    expect(callback).toEqual(promise);
  });

  it("refuses the callback form outside ack mode", () => {
    const plain = new Mailbox(
      { label: "t", capacity: 2, overflow: "block", concurrency: 1, acknowledged: false, refusal: "throw" },
      { run: () => undefined, onHandlerError: () => false, onDrop: () => undefined },
    );
    expect(() => plain.offerWithOutcome(createEnvelope("t.x", 1, "test"), () => undefined)).toThrow(/not in ack mode/);
  });
});
