/** Replays tried at most while shortening one failure: bounds the time a long failing run costs. */
const MAX_REPLAYS = 400;

/**
 * Shortens a failing event list: removes chunks (halves, quarters, … single events) as long as the
 * shorter list still fails the same way, until removing any single event makes the failure go away
 * (or the replay budget is spent). `replay` runs a list and resolves with the events it sent up to
 * the failure when it fails the same way, or undefined when it does not.
 */
export async function minimizeEvents<E>(
  events: readonly E[],
  replay: (events: readonly E[]) => Promise<readonly E[] | undefined>,
): Promise<readonly E[]> {
  let current = events;
  let replays = 0;
  for (let chunk = Math.max(1, Math.floor(current.length / 2)); chunk >= 1 && replays < MAX_REPLAYS;) {
    let removed = false;
    for (let start = 0; start < current.length && replays < MAX_REPLAYS;) {
      replays += 1;
      const failed = await replay([...current.slice(0, start), ...current.slice(start + chunk)]);
      if (failed === undefined) start += chunk;
      else {
        current = failed;
        removed = true;
      }
    }
    // Single events go on until a pass removes none; larger chunks halve after each pass.
    if (chunk > 1) chunk = Math.floor(chunk / 2);
    else if (!removed) break;
  }
  return current;
}
