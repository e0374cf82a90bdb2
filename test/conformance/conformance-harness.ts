import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import type { BusConfig } from "../../src/transports/bus/bus-config.js";
import { silentLogger } from "../../src/common/logger.js";
import { MessageBus } from "../../src/transports/bus/message-bus.js";
import type { Transport } from "../../src/transports/transport.js";
import type { Envelope } from "../../src/transports/envelope.js";
import { loadContracts, type ContractSet } from "../../src/transports/bus/contracts.js";

/**
 * What a transport's conformance test file provides to the shared suite. Every bus a harness opens
 * reaches every other bus of the same harness: separate connections (like separate processes) for
 * network transports, one shared in-process transport for memory.
 */
export interface ConformanceHarness {
  /** Opens a started MessageBus named `name` (its `envelope.source`), optionally with contracts. */
  openBus(name: string, options?: { contracts?: ContractSet }): Promise<MessageBus>;
  /** Closes whatever the harness still holds (buses, proxies) and deletes its Redis keys. */
  cleanup(): Promise<void>;
  features: ConformanceFeatures;
}

/**
 * Opens `openBus` for a harness: a started MessageBus on the transport `makeTransport` gives,
 * remembered so that `closeAll` closes every bus the harness opened.
 */
export function busOpener(makeTransport: (name: string) => Transport | Promise<Transport>): {
  openBus: ConformanceHarness["openBus"];
  closeAll(): Promise<void>;
} {
  const buses: MessageBus[] = [];
  return {
    async openBus(name, options = {}) {
      const bus = new MessageBus({
        transport: await makeTransport(name),
        source: name,
        log: silentLogger(),
        bounds: conformanceBusConfig,
        ...(options.contracts ? { contracts: options.contracts } : {}),
      });
      buses.push(bus);
      await bus.start();
      return bus;
    },
    closeAll: async () => void (await Promise.all(buses.map((bus) => bus.close()))),
  };
}

/** A feature that does not apply to a transport, with the reason shown as the skip note. */
export interface NotApplicable {
  skip: string;
}

export interface ConformanceFeatures {
  /** Members of one queue group may sit on different buses (redis); otherwise they share one bus (zmq, memory). */
  groupsAcrossBuses: boolean | NotApplicable;
  /**
   * The peer goes away and comes back (zmq: the proxy is restarted on the same endpoints); the
   * suite checks that publishing and delivery resume on the same buses.
   */
  restartPeer: (() => Promise<void>) | NotApplicable;
  /** A fresh transport with the same queue group resumes where the group left off (redis consumer groups). */
  groupResume: true | NotApplicable;
  /** Messages from another bus pass the receiving bus's contract check (only where buses cross a process boundary). */
  incomingContracts: true | NotApplicable;
}

/** True when `value` says a feature does not apply. */
export function notApplicable(value: unknown): value is NotApplicable {
  return typeof value === "object" && value !== null && typeof (value as NotApplicable).skip === "string";
}

/** Bus bounds for the suite: default-sized, with room for the 1 MB payload test. */
export const conformanceBusConfig: BusConfig = {
  mailbox: { capacity: 10_000, overflow: "drop-oldest" },
  outbox: { capacity: 100_000, overflow: "drop-oldest" },
  maxPayloadBytes: 4 * 1_048_576,
  maxDepth: 64,
};

/** The topic the contract test governs and the schema file that governs it. */
export const CONTRACT_TOPIC_PATTERN = "conformance.orders.*";

/** Writes one enforce-mode contract (orders need an integer `qty` >= 1) into a temp dir and loads it. */
export async function orderContract(): Promise<{ contracts: ContractSet; dispose(): Promise<void> }> {
  const dir = await mkdtemp(path.join(tmpdir(), "plexus-conformance-contracts-"));
  const schema = {
    $schema: "https://json-schema.org/draft/2020-12/schema",
    "x-topic": CONTRACT_TOPIC_PATTERN,
    type: "object",
    properties: { qty: { type: "integer", minimum: 1 } },
    required: ["qty"],
  };
  await writeFile(path.join(dir, "order.json"), JSON.stringify(schema));
  const contracts = await loadContracts(dir, "enforce");
  return { contracts, dispose: () => rm(dir, { recursive: true, force: true }) };
}

/** Collects what a handler receives, for assertions and `waitFor` conditions. */
export class Inbox<P = unknown> {
  readonly envelopes: Array<Envelope<P>> = [];

  /** A handler that records every envelope. */
  readonly handler = (envelope: Envelope<P>): void => {
    this.envelopes.push(envelope);
  };

  get topics(): string[] {
    return this.envelopes.map((envelope) => envelope.topic);
  }

  get payloads(): P[] {
    return this.envelopes.map((envelope) => envelope.payload);
  }

  has(topic: string): boolean {
    return this.envelopes.some((envelope) => envelope.topic === topic);
  }
}
