/** The answer to one command, published on the ack topic (and again, unchanged, for every repeat of its commandId). */
export interface LifecycleAck {
  commandId: string;
  entityId: string;
  accepted: boolean;
  /** The entity's state when the command was judged. */
  from: string;
  /** Its state afterwards: `from` when rejected. */
  to: string;
  /** Why it was rejected. */
  reason?: string;
  /** Sequence number of the transition in the event log (accepted commands only). */
  seq?: number;
}

/** One accepted transition as the event log keeps it and the events topic carries it. */
export interface LoggedTransition {
  /** 1, 2, 3, … with no gaps: the position in the event log. */
  seq: number;
  commandId: string;
  entityId: string;
  operation: string;
  from: string;
  to: string;
  /** ISO-8601 time the controller accepted it. */
  at: string;
  reason?: string;
}

/** The ack of an accepted transition, as it was first published (and is rebuilt from the log). */
export function ackOf(transition: LoggedTransition): LifecycleAck {
  return {
    commandId: transition.commandId,
    entityId: transition.entityId,
    accepted: true,
    from: transition.from,
    to: transition.to,
    seq: transition.seq,
  };
}

/** Whether `value` has the shape of a logged transition (records read back from a file or a stream). */
export function isLoggedTransition(value: unknown): value is LoggedTransition {
  if (typeof value !== "object" || value === null) return false;
  const record = value as Record<string, unknown>;
  return (
    Number.isSafeInteger(record.seq) &&
    (record.seq as number) >= 1 &&
    ["commandId", "entityId", "operation", "from", "to", "at"].every((key) => typeof record[key] === "string") &&
    (record.reason === undefined || typeof record.reason === "string")
  );
}
