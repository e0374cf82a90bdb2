import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { startTestProxy, type TestProxy } from "../conformance/zmq-proxy-kit.js";
import { ordersDuringRestart } from "./orders-during-restart.js";

describe("restarts lose nothing on zmq: the slot's mailbox covers the restart gap", () => {
  let proxy: TestProxy;
  beforeEach(async () => {
    proxy = await startTestProxy();
  });
  afterEach(async () => {
    await proxy.stop();
  });

  it("orders published while their subscriber restarts are all handled by its next incarnation", async () => {
    const figures = await ordersDuringRestart({ transport: { kind: "zmq", xsub: proxy.xsub, xpub: proxy.xpub }, deadlineMs: 15_000 });
    expect(figures).toMatchObject({ published: 2_000, processed: 2_000, incarnations: 2, deadLettered: 0, drops: {} });
  });
});
