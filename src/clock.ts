// Time is injected wherever code reads it, so tests drive it with a fake clock instead of sleeping.

export interface Timer {
  cancel(): void;
}

export interface TimerOptions {
  /** When true (the library's default for background work) the timer never keeps the process alive. */
  readonly unref?: boolean;
}

export interface Clock {
  /** Wall-clock milliseconds since the epoch: timestamps and `_created`. */
  now(): number;
  /** Monotonic milliseconds: durations, windows, backoff. Never goes backwards. */
  monotonic(): number;
  setTimeout(callback: () => void, ms: number, options?: TimerOptions): Timer;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  monotonic: () => performance.now(),
  setTimeout(callback, ms, options) {
    const handle = setTimeout(callback, ms);
    if (options?.unref === true) handle.unref();
    return { cancel: () => clearTimeout(handle) };
  },
};

/** Resolves after `ms` on the given clock; the timer is unref'd unless told otherwise. */
export function sleep(clock: Clock, ms: number, options: TimerOptions = { unref: true }): Promise<void> {
  return new Promise((resolve) => clock.setTimeout(resolve, ms, options));
}
