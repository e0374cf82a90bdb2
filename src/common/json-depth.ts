/**
 * True when `value` nests arrays and objects more than `maxDepth` levels deep (a scalar is depth
 * 0, `[]` and `{}` are 1, `[[1]]` is 2).
 *
 * The walk recurses at most `maxDepth + 1` calls deep, so it is safe on values built by
 * `JSON.parse` (which is iterative and accepts any depth) that would overflow the stack of any
 * unbounded recursive walk: `JSON.stringify`, a schema validator, a handler. It only visits
 * arrays and objects, so checking a typical message costs far less than parsing it.
 */
export function nestedDeeperThan(value: unknown, maxDepth: number): boolean {
  return typeof value === "object" && value !== null && deeper(value, maxDepth - 1);
}

/** `value` is an array or object at a depth that still allows `left` more levels below it. */
function deeper(value: object, left: number): boolean {
  if (left < 0) return true;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const item: unknown = value[i];
      if (typeof item === "object" && item !== null && deeper(item, left - 1)) return true;
    }
    return false;
  }
  for (const key in value) {
    const item: unknown = (value as Record<string, unknown>)[key];
    if (typeof item === "object" && item !== null && deeper(item, left - 1)) return true;
  }
  return false;
}
