/**
 * A rule broke during a run of `checkMachine`. `reason` names which rule (an invariant's name,
 * "the machine threw …"), without where: shortening the event list keeps a shorter list only if
 * it breaks the same rule.
 */
export class StepFailure extends Error {
  constructor(
    readonly reason: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = "StepFailure";
  }
}

/** The rule a run's failure broke: a StepFailure's reason, else the first line of its message. */
export function failureReason(failure: unknown): string {
  if (failure instanceof StepFailure) return failure.reason;
  return (failure instanceof Error ? failure.message : String(failure)).split("\n")[0] ?? "";
}
