import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { MessageBus } from "../../src/transports/bus/message-bus.js";
import type { Envelope } from "../../src/transports/envelope.js";
import { waitFor } from "../helpers/wait.js";
import { Inbox, notApplicable, orderContract, type ConformanceHarness } from "./conformance-harness.js";

export type { ConformanceHarness, ConformanceFeatures, NotApplicable } from "./conformance-harness.js";

/** Options of one transport's run of the suite. */
export interface ConformanceRunOptions {
  /** False skips the whole suite (a service is absent; `serviceAvailable` already said so loudly). */
  enabled?: boolean;
  /** Per-wait deadline; network transports under load need more than the default. */
  waitMs?: number;
}

/**
 * The behaviour every transport must show through a MessageBus: delivery, per-publisher order,
 * wildcards, queue groups, large payloads, unsubscribe and close, reconnect, contracts and dead
 * letters. A feature that does not apply to a transport is skipped with the harness's reason.
 */
export function describeTransportConformance(
  name: string,
  makeHarness: () => Promise<ConformanceHarness>,
  options: ConformanceRunOptions = {},
): void {
  const waitMs = options.waitMs ?? 5_000;

  describe.skipIf(options.enabled === false)(`transport conformance: ${name}`, () => {
    let harness: ConformanceHarness;
    let publisher: MessageBus;
    let subscriber: MessageBus;

    beforeEach(async () => {
      harness = await makeHarness();
      publisher = await harness.openBus("publisher");
      subscriber = await harness.openBus("subscriber");
    });

    afterEach(async () => {
      await harness.cleanup();
    });

    it("delivers a published envelope to a subscriber on another bus, with its id, topic, source and payload", async () => {
      const inbox = new Inbox();
      await subscriber.subscribe("conf.delivery", inbox.handler);
      const sent = await publisher.publish("conf.delivery", { hello: "world", n: 1 });
      await waitFor(() => inbox.envelopes.length === 1, "the envelope to arrive", waitMs);
      const got = inbox.envelopes[0] as Envelope;
      expect(got).toMatchObject({ id: sent.id, topic: "conf.delivery", source: "publisher", payload: { hello: "world", n: 1 } });
      expect(got.ts).toBe(sent.ts);
    });

    it("keeps the order of one publisher: 1,000 messages arrive in the order sent", async () => {
      const inbox = new Inbox<{ seq: number }>();
      await subscriber.subscribe("conf.order", inbox.handler);
      const count = 1_000;
      const sends: Array<Promise<unknown>> = [];
      for (let seq = 0; seq < count; seq++) sends.push(publisher.publish("conf.order", { seq }));
      await Promise.all(sends);
      await waitFor(
        () => inbox.envelopes.length >= count,
        () => `${count} messages to arrive (got ${inbox.envelopes.length})`,
        waitMs * 2,
      );
      expect(inbox.payloads.map((payload) => payload.seq)).toEqual(Array.from({ length: count }, (_, seq) => seq));
    });

    it("matches wildcards: * is one segment, > one or more trailing segments, and nothing else is delivered", async () => {
      const one = new Inbox();
      const rest = new Inbox();
      const exact = new Inbox();
      await subscriber.subscribe("conf.wild.*.x", one.handler);
      await subscriber.subscribe("conf.wild.>", rest.handler);
      await subscriber.subscribe("conf.wild.a.x", exact.handler);
      for (const topic of [
        "conf.wild.a.x",
        "conf.wild.a.b.x",
        "conf.wild",
        "conf.other.a.x",
        "conf.wild.a",
        "conf.wildly.a.x",
        "conf.wild.end.x",
      ]) {
        await publisher.publish(topic, { topic });
      }
      // conf.wild.end.x is last and matches the two wildcard subscriptions: once it is in, the rest is too.
      await waitFor(
        () => one.has("conf.wild.end.x") && rest.has("conf.wild.end.x"),
        "the closing message on both wildcard subscriptions",
        waitMs,
      );
      await waitFor(() => exact.envelopes.length >= 1, "the exact subscription's message", waitMs);
      expect(one.topics).toEqual(["conf.wild.a.x", "conf.wild.end.x"]);
      expect(rest.topics).toEqual(["conf.wild.a.x", "conf.wild.a.b.x", "conf.wild.a", "conf.wild.end.x"]);
      expect(exact.topics).toEqual(["conf.wild.a.x"]);
    });

    it("shares a queue group: each message reaches exactly one member; a second group gets every message", async (context) => {
      const across = harness.features.groupsAcrossBuses;
      if (notApplicable(across)) return context.skip(across.skip);
      // Members sit on two buses where groups span processes; on one bus where they do not.
      const secondMemberBus = across ? await harness.openBus("member-2") : subscriber;
      const memberA = new Inbox<{ seq: number }>();
      const memberB = new Inbox<{ seq: number }>();
      const otherGroup = new Inbox<{ seq: number }>();
      const sentinel = new Inbox();
      await subscriber.subscribe("conf.group", memberA.handler, { group: "workers", subscriber: "member-a" });
      await secondMemberBus.subscribe("conf.group", memberB.handler, { group: "workers", subscriber: "member-b" });
      await subscriber.subscribe("conf.group", otherGroup.handler, { group: "auditors", subscriber: "auditor" });
      await subscriber.subscribe("conf.group.done", sentinel.handler);
      const count = 60;
      for (let seq = 0; seq < count; seq++) await publisher.publish("conf.group", { seq });
      await publisher.publish("conf.group.done", {});
      const shared = () => memberA.envelopes.length + memberB.envelopes.length;
      await waitFor(
        () => shared() >= count && otherGroup.envelopes.length >= count,
        () => `every message in both groups (workers ${shared()}, auditors ${otherGroup.envelopes.length})`,
        waitMs,
      );
      await waitFor(() => sentinel.envelopes.length === 1, "the message published after the batch", waitMs);
      const seqs = [...memberA.payloads, ...memberB.payloads].map((payload) => payload.seq).sort((x, y) => x - y);
      expect(seqs).toEqual(Array.from({ length: count }, (_, seq) => seq));
      expect(otherGroup.payloads.map((payload) => payload.seq)).toEqual(Array.from({ length: count }, (_, seq) => seq));
    });

    it("carries a 1 MB payload intact", async () => {
      const inbox = new Inbox<{ blob: string; tail: string }>();
      await subscriber.subscribe("conf.large", inbox.handler);
      const blob = "0123456789abcdef".repeat(65_536); // 1 MiB of ASCII
      await publisher.publish("conf.large", { blob, tail: "ünïcødé ✓" });
      await waitFor(() => inbox.envelopes.length === 1, "the 1 MB message", waitMs * 2);
      const payload = inbox.payloads[0] as { blob: string; tail: string };
      expect(payload.blob.length).toBe(blob.length);
      expect(payload.blob === blob).toBe(true);
      expect(payload.tail).toBe("ünïcødé ✓");
    });

    it("stops delivering after unsubscribe while other subscriptions keep receiving", async () => {
      const leaving = new Inbox();
      const staying = new Inbox();
      const subscription = await subscriber.subscribe("conf.unsub", leaving.handler, { subscriber: "leaving" });
      await subscriber.subscribe("conf.unsub", staying.handler, { subscriber: "staying" });
      await publisher.publish("conf.unsub", { n: 1 });
      await waitFor(
        () => leaving.envelopes.length === 1 && staying.envelopes.length === 1,
        "the first message on both subscriptions",
        waitMs,
      );
      await subscription.unsubscribe();
      await subscription.unsubscribe(); // idempotent
      await publisher.publish("conf.unsub", { n: 2 });
      await publisher.publish("conf.unsub", { n: 3 });
      await waitFor(() => staying.envelopes.length === 3, "the later messages on the remaining subscription", waitMs);
      expect(leaving.payloads).toEqual([{ n: 1 }]);
    });

    it("after close, the bus refuses to publish or subscribe and its subscriptions receive nothing", async () => {
      const closedInbox = new Inbox();
      const witness = new Inbox();
      const watcher = await harness.openBus("watcher");
      await subscriber.subscribe("conf.close", closedInbox.handler);
      await watcher.subscribe("conf.close", witness.handler);
      await subscriber.close();
      await subscriber.close(); // idempotent
      await expect(subscriber.publish("conf.close", {})).rejects.toMatchObject({ code: "BUS_CLOSED" });
      await expect(subscriber.subscribe("conf.close", () => {})).rejects.toMatchObject({ code: "BUS_CLOSED" });
      await publisher.publish("conf.close", { after: "close" });
      await waitFor(() => witness.envelopes.length === 1, "the message on the open bus", waitMs);
      expect(closedInbox.envelopes).toEqual([]);
    });

    it("recovers when the peer restarts: publishing and delivery resume on the same buses", async (context) => {
      const restart = harness.features.restartPeer;
      if (notApplicable(restart)) return context.skip(restart.skip);
      const inbox = new Inbox<{ n: number }>();
      await subscriber.subscribe("conf.reconnect", inbox.handler);
      await publisher.publish("conf.reconnect", { n: -1 });
      await waitFor(() => inbox.envelopes.length === 1, "a message before the restart", waitMs);
      await restart();
      // At-most-once transports lose what is sent while the peer is away: keep publishing until one arrives.
      let n = 0;
      await waitFor(
        async () => {
          await publisher.publish("conf.reconnect", { n: n++ });
          return inbox.envelopes.length > 1;
        },
        "a message after the restart",
        waitMs * 3,
        100,
      );
      expect(inbox.payloads.slice(1).every((payload) => payload.n >= 0)).toBe(true);
    });

    it("resumes a queue group where it left off from a fresh transport", async (context) => {
      if (notApplicable(harness.features.groupResume)) return context.skip(harness.features.groupResume.skip);
      const first = new Inbox<{ n: number }>();
      await subscriber.subscribe("conf.resume", first.handler, { group: "resumers" });
      await publisher.publish("conf.resume", { n: 1 });
      await waitFor(() => first.envelopes.length === 1, "the first message", waitMs);
      await subscriber.close();
      await publisher.publish("conf.resume", { n: 2 });
      await publisher.publish("conf.resume", { n: 3 });
      const fresh = await harness.openBus("subscriber-again");
      const second = new Inbox<{ n: number }>();
      await fresh.subscribe("conf.resume", second.handler, { group: "resumers" });
      await waitFor(() => second.envelopes.length >= 2, "the messages published while the group had no member", waitMs);
      expect(second.payloads).toEqual([{ n: 2 }, { n: 3 }]);
    });

    it("rejects a publish that breaks its contract, naming the JSON pointer, and delivers valid ones", async () => {
      const contract = await orderContract();
      try {
        const strict = await harness.openBus("strict-publisher", { contracts: contract.contracts });
        const inbox = new Inbox();
        await subscriber.subscribe("conformance.orders.*", inbox.handler);
        const refusal = strict.publish("conformance.orders.created", { qty: "three" });
        await expect(refusal).rejects.toMatchObject({ code: "CONTRACT_VIOLATION" });
        await expect(refusal).rejects.toThrow(/\/qty/);
        await strict.publish("conformance.orders.created", { qty: 3 });
        await waitFor(() => inbox.envelopes.length >= 1, "the valid order", waitMs);
        expect(inbox.payloads).toEqual([{ qty: 3 }]);
        expect(strict.stats().rejectedByContract).toBe(1);
      } finally {
        await contract.dispose();
      }
    });

    it("dead-letters an incoming message that breaks the receiver's contract", async (context) => {
      if (notApplicable(harness.features.incomingContracts)) return context.skip(harness.features.incomingContracts.skip);
      const contract = await orderContract();
      try {
        const strict = await harness.openBus("strict-subscriber", { contracts: contract.contracts });
        const handled = new Inbox();
        const dead = new Inbox<Envelope>();
        await strict.subscribe("conformance.orders.*", handled.handler);
        await subscriber.subscribe("_dead.conformance.orders.>", dead.handler);
        const sent = await publisher.publish("conformance.orders.created", { qty: 0 });
        await waitFor(() => dead.envelopes.length >= 1, "the dead letter", waitMs);
        const letter = dead.envelopes[0] as Envelope<Envelope>;
        expect(letter.topic).toBe("_dead.conformance.orders.created");
        expect(letter.headers?.reason).toBe("contract");
        expect(letter.headers?.error).toMatch(/\/qty/);
        expect(letter.payload.id).toBe(sent.id);
        expect(handled.envelopes).toEqual([]);
      } finally {
        await contract.dispose();
      }
    });

    it("dead-letters a message whose handler throws to _dead.<topic>, with the reason", async () => {
      const dead = new Inbox<Envelope>();
      await publisher.subscribe("_dead.conf.poison", dead.handler);
      await subscriber.subscribe("conf.poison", () => {
        throw new Error("boom: cannot handle this");
      });
      const sent = await publisher.publish("conf.poison", { n: 1 });
      await waitFor(() => dead.envelopes.length >= 1, "the dead letter", waitMs * 2);
      const letter = dead.envelopes[0] as Envelope<Envelope>;
      expect(letter.topic).toBe("_dead.conf.poison");
      const reasons = `${letter.headers?.reason ?? ""} ${letter.headers?.error ?? ""}`;
      expect(reasons).toMatch(/boom: cannot handle this/);
      expect(letter.payload.id).toBe(sent.id);
      expect(letter.payload.payload).toEqual({ n: 1 });
    });
  });
}
