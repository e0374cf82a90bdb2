/** What the integration monitor finds in each planted tree (test/fixtures/monitors/integration), as `kind subject`, sorted. */
export const PLANTED_FINDINGS = [
  "endpoint-conflict tcp://*:6000",
  "orphaned-topic billing.invoice",
  "unbound-endpoint tcp://localhost:5999",
  "undrained-queue Producer.pending",
  "unfed-subscription shipments.sent",
  "uninitialized-attribute Producer.cache",
];
