import { afterEach, describe, expect, it } from "vitest";
import { assign, setup } from "xstate";
import { createRuntime } from "../../../src/create-runtime.js";
import type { Runtime } from "../../../src/runtime/runtime.js";
import { defineActor } from "../../../src/runtime/define-actor.js";
import { silentLogger } from "../../../src/common/logger.js";
import { waitFor } from "../../helpers/wait.js";

const runtimes: Runtime[] = [];
afterEach(async () => {
  for (const runtime of runtimes.splice(0)) await runtime.stop();
});

describe("machine kinds whose events depend on their options", () => {
  it("subscribes each actor to the patterns its own context names", async () => {
    const seen: Array<{ shop: string; item: string }> = [];
    const shop = defineActor({
      kind: "shop",
      options: { type: "object", required: ["name"], properties: { name: { type: "string" } } },
      machine: (ctx) =>
        setup({
          types: { events: {} as { type: "SELL"; item: string }, context: {} as { sold: number } },
          actions: { record: ({ event }) => void seen.push({ shop: ctx.options.name, item: event.item }) },
        }).createMachine({
          context: { sold: 0 },
          on: { SELL: { actions: ["record", assign({ sold: ({ context }) => context.sold + 1 })] } },
        }),
      events: (ctx) => ({
        [`shops.${ctx.options.name}.sell`]: (envelope) => ({ type: "SELL", item: (envelope.payload as { item: string }).item }),
      }),
    });
    const runtime = createRuntime({
      logger: silentLogger(),
      kinds: [shop],
      config: {
        children: [
          { id: "north", kind: "shop", options: { name: "north" } },
          { id: "south", kind: "shop", options: { name: "south" } },
        ],
      },
    });
    runtimes.push(runtime);
    await runtime.start();
    await runtime.bus.publish("shops.north.sell", { item: "kettle" });
    await runtime.bus.publish("shops.south.sell", { item: "lamp" });
    await runtime.bus.publish("shops.north.sell", { item: "witness" });
    await waitFor(
      () => seen.some((sale) => sale.item === "witness") && seen.some((sale) => sale.item === "lamp"),
      "the witness sale in the north shop and the lamp in the south",
    );
    expect(seen.filter((sale) => sale.shop === "north").map((sale) => sale.item)).toEqual(["kettle", "witness"]);
    expect(seen.filter((sale) => sale.shop === "south").map((sale) => sale.item)).toEqual(["lamp"]);
  });

  it("fails the start with the bus's reason when the function names an invalid pattern", async () => {
    const broken = defineActor({
      kind: "broken",
      machine: () => setup({}).createMachine({}),
      events: () => ({ "shops..sell": () => undefined }),
    });
    const runtime = createRuntime({
      logger: silentLogger(),
      kinds: [broken],
      config: { children: [{ id: "b", kind: "broken", restart: "temporary" }] },
    });
    runtimes.push(runtime);
    const failures: string[] = [];
    runtime.on("lifecycle", (event) => {
      if (event.state === "failed" && event.error) failures.push(event.error.message);
    });
    await runtime.start().catch(() => undefined);
    await waitFor(() => failures.length > 0, "the start failure");
    expect(failures[0]).toMatch(/pattern/i);
  });
});
