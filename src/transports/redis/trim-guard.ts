import type { Logger } from "../../common/logger.js";
import type { GroupInfo } from "./replies.js";

/** Share of `maxLen` at which unconsumed work is reported as at risk of being trimmed. */
export const TRIM_WARN_RATIO = 0.8;

/** What the guard concluded for one group on one stream. */
export interface TrimAssessment {
  /** lag + pending: entries the group still has to read or ack. */
  outstanding: number;
  /** outstanding / maxLen. */
  ratio: number;
  atRisk: boolean;
}

/**
 * Trimming never deletes entries a group still needs (see StreamTrimmer), so a group that falls
 * behind makes its stream grow past `maxLen` instead of losing entries. The guard says so early:
 * when a group of this process has lag plus pending entries of 80 % of `maxLen`, it logs a warning
 * (once per episode, not every poll) and counts it; when the group recovers it logs that too. The
 * fix it names: consume faster, add group members, or raise `maxLen`.
 */
export class TrimGuard {
  private readonly maxLen: number;
  private readonly log: Logger;
  private readonly atRisk = new Set<string>();
  private warningCount = 0;

  constructor(maxLen: number, log: Logger) {
    this.maxLen = maxLen;
    this.log = log;
  }

  /** Assesses `info` (from XINFO GROUPS) of `group` on `stream` and logs transitions. */
  assess(stream: string, info: GroupInfo): TrimAssessment {
    // Without a lag figure (Redis could not compute it) pending is the only certain part.
    const outstanding = (info.lag ?? 0) + info.pending;
    const ratio = this.maxLen > 0 ? outstanding / this.maxLen : 0;
    const atRisk = this.maxLen > 0 && ratio >= TRIM_WARN_RATIO;
    const key = `${stream}\u0000${info.name}`;
    if (atRisk && !this.atRisk.has(key)) {
      this.atRisk.add(key);
      this.warningCount++;
      this.log.warn(
        { stream, group: info.name, lag: info.lag, pending: info.pending, maxLen: this.maxLen, ratio: Number(ratio.toFixed(3)) },
        `redis group "${info.name}" on ${stream} has ${outstanding} entries unread or unacked, ${Math.round(ratio * 100)}% of maxLen ${this.maxLen}: ` +
          "trimming keeps what it has not processed, so the stream will grow past maxLen; add consumers to the group, speed up its handlers, or raise transport.maxLen",
      );
    } else if (!atRisk && this.atRisk.delete(key)) {
      this.log.info(
        { stream, group: info.name, lag: info.lag, pending: info.pending, maxLen: this.maxLen },
        `redis group "${info.name}" on ${stream} is back below ${TRIM_WARN_RATIO * 100}% of maxLen`,
      );
    }
    return { outstanding, ratio, atRisk };
  }

  /** Warnings raised since start (one per episode per group). */
  get warnings(): number {
    return this.warningCount;
  }

  /** Groups currently at risk, as `stream#group`. */
  groupsAtRisk(): string[] {
    return [...this.atRisk].map((key) => key.replace("\u0000", "#"));
  }
}
