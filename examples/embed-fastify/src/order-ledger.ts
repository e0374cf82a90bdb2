import { defineActor } from "plexus";

/** An order as the service publishes it on `orders.created`. */
export interface Order {
  sku: string;
  quantity: number;
}

/** What `orders.totals` answers: quantity ordered per SKU, and how many orders. */
export interface OrderTotals {
  orders: number;
  bySku: Record<string, number>;
}

/**
 * A start-form kind with state: it counts `orders.created` and answers `orders.totals` requests.
 * The totals are saved with `ctx.state` when the actor stops, so a restart continues from them.
 */
export const orderLedger = defineActor({
  kind: "order-ledger",
  description: "counts orders.created and answers orders.totals",
  async start(ctx) {
    const totals: OrderTotals = (await ctx.state.load<OrderTotals>()) ?? { orders: 0, bySku: {} };
    await ctx.bus.subscribe<Order>("orders.created", (envelope) => {
      const { sku, quantity } = envelope.payload;
      totals.orders += 1;
      totals.bySku[sku] = (totals.bySku[sku] ?? 0) + quantity;
    });
    await ctx.bus.subscribe("orders.totals", () => structuredClone(totals));
    return () => ctx.state.save(totals);
  },
});
