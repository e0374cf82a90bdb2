import { describe, expect, it } from "vitest";
import { waitFor } from "../../src/testing/wait-for.js";

describe("waitFor", () => {
  it("resolves with the first truthy value of the live condition", async () => {
    let polls = 0;
    const value = await waitFor(() => (++polls >= 3 ? { polls } : undefined), { intervalMs: 1 });
    expect(value).toEqual({ polls: 3 });
  });

  it("times out naming what it waited for and what the condition last threw", async () => {
    const failure = await waitFor(
      () => {
        throw new Error("not connected yet");
      },
      { timeoutMs: 20, intervalMs: 2, message: "the consumer to connect" },
    ).then(
      () => undefined,
      (error: Error) => error,
    );
    expect(failure?.message).toBe("timed out after 20 ms waiting for the consumer to connect; the condition last threw: not connected yet");
  });
});
