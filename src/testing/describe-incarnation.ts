import type { Incarnation } from "./lifecycle-system.js";

/** `starting → running → stopping → failed (its error)`: what an incarnation went through. */
export function describeIncarnation(incarnation: Incarnation | undefined): string {
  if (incarnation === undefined) return "(no incarnation)";
  const error = incarnation.actor.error;
  return `${incarnation.states.join(" → ")}${error ? ` (${error.message})` : ""}`;
}
