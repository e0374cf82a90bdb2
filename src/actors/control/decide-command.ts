import type { AckWindow } from "./ack-window.js";
import type { EntityStates } from "./entity-states.js";
import type { LifecycleAck, LoggedTransition } from "./lifecycle-ack.js";
import type { LifecycleCommand } from "./lifecycle-command.js";
import type { LifecycleRules } from "./lifecycle-rules.js";

/** What a command comes to. Only `accepted` changes anything: it is applied and logged. */
export type CommandOutcome =
  | { kind: "duplicate"; ack: LifecycleAck }
  | { kind: "rejected"; ack: LifecycleAck }
  | { kind: "accepted"; ack: LifecycleAck; transition: LoggedTransition };

/**
 * Judges one command against what the controller knows: a commandId seen within the window gets
 * its original ack; otherwise the entity's current state and the lifecycle decide. Pure: it reads
 * the window and the states and changes neither (the controller applies the outcome).
 */
export function decideCommand(
  command: LifecycleCommand,
  context: { rules: LifecycleRules; entities: EntityStates; window: AckWindow; nextSeq: number; now: string },
): CommandOutcome {
  const seen = context.window.get(command.commandId);
  if (seen !== undefined) return { kind: "duplicate", ack: seen };
  const from = context.entities.of(command.entityId);
  const decision = context.rules.decide(from, command.operation);
  if (!decision.allowed) {
    return {
      kind: "rejected",
      ack: { commandId: command.commandId, entityId: command.entityId, accepted: false, from, to: from, reason: decision.reason },
    };
  }
  const transition: LoggedTransition = {
    seq: context.nextSeq,
    commandId: command.commandId,
    entityId: command.entityId,
    operation: command.operation,
    from,
    to: decision.to,
    at: context.now,
    ...(command.reason === undefined ? {} : { reason: command.reason }),
  };
  return {
    kind: "accepted",
    ack: { commandId: command.commandId, entityId: command.entityId, accepted: true, from, to: decision.to, seq: transition.seq },
    transition,
  };
}
