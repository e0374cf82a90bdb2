/**
 * The name a hand-built bus or transport speaks for when given none: `envelope.source` of its
 * publishes and the subscriber name (on redis, the consumer group) of subscriptions that name
 * none. The same as a runtime's default `runtime.name`. Services that share a Redis transport
 * should each set their own, or their ungrouped subscriptions share one consumer group.
 */
export const DEFAULT_SOURCE = "plexus";
