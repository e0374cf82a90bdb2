/** The error `check` rejects with, or undefined when it resolves: for asserting on a failure's message. */
export function failureOf(check: Promise<unknown>): Promise<Error | undefined> {
  return check.then(
    () => undefined,
    (error: Error) => error,
  );
}
