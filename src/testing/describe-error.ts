/** Lines of a stack trace kept in a check's failure message: enough to find the throw. */
const STACK_LINES = 4;

/**
 * An error as a failure message shows it: its first line and the head of its stack, indented
 * by `indent`, so the reason is in the message itself and not only in `error.cause`.
 */
export function describeError(error: unknown, indent = "  "): string {
  if (!(error instanceof Error)) return `${indent}${String(error)}`;
  const lines = (error.stack ?? `${error.name}: ${error.message}`).split("\n");
  // The stack starts with the message, which may span several lines; keep those, then the frames.
  const firstFrame = lines.findIndex((line) => /^\s+at /.test(line));
  const head = firstFrame === -1 ? lines : [...lines.slice(0, firstFrame), ...lines.slice(firstFrame, firstFrame + STACK_LINES)];
  return head.map((line) => `${indent}${line.trimStart() === line ? line : `  ${line.trim()}`}`).join("\n");
}
