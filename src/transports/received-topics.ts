import { topicProblem } from "./topics.js";

/** Distinct valid topics remembered; beyond this the memory starts over (it is only a cache). */
const REMEMBERED_MAX = 10_000;

/**
 * Checks the topics of messages that arrive from other processes, where nothing guarantees the
 * grammar: a foreign ZeroMQ frame or Redis entry may carry `x..bad` or bytes that are not UTF-8.
 * Valid topics are remembered, so a steady stream pays the grammar check once per topic.
 */
export class ReceivedTopics {
  private readonly valid = new Set<string>();

  /** Why a message on `topic` cannot be delivered, or undefined when the topic is valid. */
  problem(topic: string): string | undefined {
    if (this.valid.has(topic)) return undefined;
    const problem = topicProblem(topic);
    if (problem === undefined) {
      if (this.valid.size >= REMEMBERED_MAX) this.valid.clear();
      this.valid.add(topic);
    }
    return problem;
  }
}
