/** A command to move one entity through its lifecycle. */
export interface LifecycleCommand {
  /** Chosen by the sender, unique per intended change: a repeat gets the original ack and changes nothing. */
  commandId: string;
  entityId: string;
  operation: string;
  /** `emergency` is taken before every queued normal command. @defaultValue "normal" */
  priority: "normal" | "emergency";
  reason?: string;
}

const MAX_ID_LENGTH = 200;
const MAX_REASON_LENGTH = 1_000;

/** What a transition message turned out to be: a command, or why it is not one (with the ids it had, for the ack). */
export type ReadCommand =
  { command: LifecycleCommand; error?: undefined } | { command?: undefined; error: string; commandId?: string; entityId?: string };

function shortString(value: unknown, maxLength: number): value is string {
  return typeof value === "string" && value.length > 0 && value.length <= maxLength;
}

/** Checks a transition message's payload. Pure. */
export function readCommand(payload: unknown): ReadCommand {
  if (typeof payload !== "object" || payload === null || Array.isArray(payload))
    return { error: "a command must be an object { commandId, entityId, operation, priority?, reason? }" };
  const { commandId, entityId, operation, priority, reason } = payload as Record<string, unknown>;
  const ids = {
    ...(shortString(commandId, MAX_ID_LENGTH) ? { commandId } : {}),
    ...(shortString(entityId, MAX_ID_LENGTH) ? { entityId } : {}),
  };
  if (!shortString(commandId, MAX_ID_LENGTH)) return { ...ids, error: `commandId must be a string of 1 to ${MAX_ID_LENGTH} characters` };
  if (!shortString(entityId, MAX_ID_LENGTH)) return { ...ids, error: `entityId must be a string of 1 to ${MAX_ID_LENGTH} characters` };
  if (!shortString(operation, MAX_ID_LENGTH)) return { ...ids, error: `operation must be a string of 1 to ${MAX_ID_LENGTH} characters` };
  if (priority !== undefined && priority !== "normal" && priority !== "emergency")
    return { ...ids, error: `priority must be "normal" or "emergency", got ${JSON.stringify(priority)}` };
  if (reason !== undefined && (typeof reason !== "string" || reason.length > MAX_REASON_LENGTH))
    return { ...ids, error: `reason must be a string of at most ${MAX_REASON_LENGTH} characters` };
  return {
    command: { commandId, entityId, operation, priority: priority ?? "normal", ...(reason === undefined ? {} : { reason }) },
  };
}
