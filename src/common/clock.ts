/**
 * Where an actor reads the time and sets its timers. The runtime hands every actor the system
 * clock; tests hand it a simulated one (`plexus/testing`'s `SimulatedClock`) and move time
 * forward themselves, so timer-driven behaviour is tested without waiting.
 *
 * The shape is a superset of xstate's `Clock`, so `createActor(machine, { clock: ctx.clock })`
 * puts a machine's delayed transitions on the same clock.
 */
export interface Clock {
  /** Milliseconds since the epoch (the system clock) or since the simulation's start. */
  now(): number;
  /** Calls `callback` once, `ms` from now; the handle cancels it through `clearTimeout`. */
  setTimeout(callback: () => void, ms: number): TimerHandle;
  clearTimeout(handle: TimerHandle): void;
  /** Calls `callback` every `ms` until cancelled through `clearInterval`. */
  setInterval(callback: () => void, ms: number): TimerHandle;
  clearInterval(handle: TimerHandle): void;
}

/** Identifies a timer to the clock that set it; nothing else may interpret it. */
export type TimerHandle = unknown;

/** The clock of the process: `Date.now` and Node's timers. */
export const systemClock: Clock = Object.freeze({
  now: () => Date.now(),
  setTimeout: (callback: () => void, ms: number) => setTimeout(callback, ms),
  clearTimeout: (handle: TimerHandle) => clearTimeout(handle as NodeJS.Timeout),
  setInterval: (callback: () => void, ms: number) => setInterval(callback, ms),
  clearInterval: (handle: TimerHandle) => clearInterval(handle as NodeJS.Timeout),
});
