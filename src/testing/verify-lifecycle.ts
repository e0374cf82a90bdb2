import { describeIncarnation } from "./describe-incarnation.js";
import type { LifecycleModel, LifecycleSystem } from "./lifecycle-system.js";

/**
 * The contract every kind keeps whatever command ran last, checked after each one:
 * the model's running incarnation is still running (it did not fail or exit on its own), never
 * two incarnations are live, and an ended incarnation's signal is aborted and it left no timer
 * pending on `ctx.clock`.
 */
export function verifyLifecycle(model: Readonly<LifecycleModel>, system: LifecycleSystem): void {
  const current = system.current();
  if (model.running && current?.actor.state !== "running") {
    throw new Error(`the actor left running on its own: went ${describeIncarnation(current)}`);
  }
  const live = system.incarnations.filter((incarnation) => incarnation.actor.state !== "stopped" && incarnation.actor.state !== "failed");
  if (live.length > 1) throw new Error(`${live.length} incarnations are live at once; a restart must end the previous one first`);
  system.incarnations.forEach((incarnation, index) => {
    if (incarnation.actor.state !== "stopped" && incarnation.actor.state !== "failed") return;
    const which = `incarnation ${index + 1} (${describeIncarnation(incarnation)})`;
    if (incarnation.context && !incarnation.context.signal.aborted) throw new Error(`${which} ended but its ctx.signal was not aborted`);
    if (incarnation.clock.pending > 0) {
      throw new Error(
        `${which} ended with ${incarnation.clock.pending} timer(s) still set on ctx.clock: clear them in the stop function or when ctx.signal aborts`,
      );
    }
  });
}
