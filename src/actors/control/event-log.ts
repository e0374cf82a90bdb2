import type { LoggedTransition } from "./lifecycle-ack.js";

/**
 * The append-only log of accepted transitions, numbered 1, 2, 3, … without gaps. It is the
 * controller's source of truth: an entity's state and the acks of accepted commands are rebuilt
 * from it (after the last snapshot), and `kasmina.events.replay` reads it.
 */
export interface EventLog {
  /** Where the log lives, for messages (`file …` or `redis stream …`). */
  readonly where: string;
  /** Sequence number of the last record (0 when empty); known after `open`. */
  readonly lastSeq: number;
  /** Opens the log and returns the records after `afterSeq`, oldest first. */
  open(afterSeq: number): Promise<LoggedTransition[]>;
  /** Appends `records` (their seqs follow `lastSeq` without a gap) and resolves once they are durable. */
  append(records: readonly LoggedTransition[]): Promise<void>;
  /** At most `limit` records from `fromSeq` on. */
  read(fromSeq: number, limit: number): Promise<LoggedTransition[]>;
  close(): Promise<void>;
}

/** Thrown by `append` when a record's seq does not follow the log's last: a second writer, or a bug. */
export function seqGapMessage(where: string, lastSeq: number, seq: number): string {
  return `event log ${where}: record seq ${seq} does not follow the last seq ${lastSeq}; is a second controller writing to it?`;
}
