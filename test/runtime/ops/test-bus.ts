import { quietBusStats } from "../../../src/testing/quiet-bus-stats.js";
import type { Bus, BusStats, Handler, PublishOptions, SubscribeOptions, Subscription } from "../../../src/transports/bus/bus.js";
import { createEnvelope, type Envelope } from "../../../src/transports/envelope.js";
import { patternMatches, validatePattern, validateTopic } from "../../../src/transports/topics.js";
import { PlexusError } from "../../../src/common/errors.js";

interface Entry {
  pattern: string;
  group: string | undefined;
  handler: Handler;
}

/**
 * A small in-process Bus that really delivers, for testing the ops server and CLI without the
 * real MessageBus. Topics under `strict.` stand in for a contract: their payload must be an
 * object with a numeric `n`, or publish rejects the way an enforcing contract does.
 */
export class TestBus implements Bus {
  readonly entries = new Set<Entry>();
  readonly published: Envelope[] = [];
  private readonly groupTurn = new Map<string, number>();

  async publish<P>(topic: string, payload: P, options?: PublishOptions): Promise<Envelope<P>> {
    validateTopic(topic);
    if (topic.startsWith("strict.") && typeof (payload as { n?: unknown } | null)?.n !== "number") {
      throw new PlexusError("CONTRACT_VIOLATION", `payload of ${topic} violates its contract at /n: must be number`, { retryable: false });
    }
    const envelope = createEnvelope(topic, payload, options?.source ?? "test", options?.headers);
    this.published.push(envelope);
    const matching = [...this.entries].filter((entry) => patternMatches(entry.pattern, topic));
    const byGroup = new Map<string, Entry[]>();
    for (const entry of matching) {
      if (entry.group === undefined) {
        queueMicrotask(() => void entry.handler(envelope));
      } else {
        byGroup.set(entry.group, [...(byGroup.get(entry.group) ?? []), entry]);
      }
    }
    for (const [group, members] of byGroup) {
      const turn = this.groupTurn.get(group) ?? 0;
      this.groupTurn.set(group, turn + 1);
      const member = members[turn % members.length]!;
      queueMicrotask(() => void member.handler(envelope));
    }
    return envelope;
  }

  async subscribe<P = unknown>(pattern: string, handler: Handler<P>, options?: SubscribeOptions): Promise<Subscription> {
    validatePattern(pattern);
    const entry: Entry = { pattern, group: options?.group, handler: handler as Handler };
    this.entries.add(entry);
    return {
      pattern,
      ...(options?.group === undefined ? {} : { group: options.group }),
      unsubscribe: async () => {
        this.entries.delete(entry);
      },
    };
  }

  request<R = unknown>(): Promise<R> {
    return Promise.reject(new Error("TestBus does not implement request"));
  }

  stats(): BusStats {
    return quietBusStats(this.published.length);
  }
}
