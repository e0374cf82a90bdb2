/**
 * Why an envelope whose own topic is not the one it travelled on is refused: subscriptions match
 * the ZeroMQ frame topic or the Redis entry's topic field, so delivering it would hand the
 * subscribers of one topic a message of another.
 */
export function topicMismatch(own: string, carried: string, carrier: "frame" | "entry"): string {
  const shown = own.length > 80 ? `${own.slice(0, 80)}…` : own;
  return `the envelope's own topic "${shown}" differs from its ${carrier} topic "${carried}"; a message is delivered on one topic only`;
}
