import type { Clock, Timer, TimerOptions } from '../clock.js';

interface Scheduled {
  readonly at: number;
  readonly seq: number;
  readonly callback: () => void;
  cancelled: boolean;
}

/**
 * A manual clock for tests: time moves only when the test says so, and due timers run in order.
 * `advance()` lets promise callbacks settle between timers, so async code driven by timers
 * (retries, periodic pushes) runs as it would for real, without sleeping.
 */
export class FakeClock implements Clock {
  private wallMs: number;
  private monoMs = 0;
  private seq = 0;
  private readonly queue: Scheduled[] = [];

  constructor(options: { readonly now?: number } = {}) {
    this.wallMs = options.now ?? 1_700_000_000_000;
  }

  now(): number {
    return this.wallMs;
  }

  monotonic(): number {
    return this.monoMs;
  }

  setTimeout(callback: () => void, ms: number, _options?: TimerOptions): Timer {
    const entry: Scheduled = { at: this.monoMs + Math.max(0, ms), seq: this.seq++, callback, cancelled: false };
    this.queue.push(entry);
    this.queue.sort((a, b) => a.at - b.at || a.seq - b.seq);
    return {
      cancel: () => {
        entry.cancelled = true;
      },
    };
  }

  /** Number of timers scheduled and not yet run or cancelled. */
  get pendingTimers(): number {
    return this.queue.filter((t) => !t.cancelled).length;
  }

  /** Moves time forward by `ms`, running every timer that falls due, each after pending promise jobs. */
  async advance(ms: number): Promise<void> {
    const target = this.monoMs + ms;
    await flushMicrotasks();
    for (;;) {
      const next = this.queue[0];
      if (next === undefined || next.at > target) break;
      this.queue.shift();
      if (next.cancelled) continue;
      this.step(next.at - this.monoMs);
      next.callback();
      await flushMicrotasks();
    }
    this.step(target - this.monoMs);
  }

  /** Runs timers until none is left (bounded, so a timer that re-arms itself cannot hang a test). */
  async runAll(maxTimers = 10_000): Promise<void> {
    for (let i = 0; i < maxTimers; i++) {
      const next = this.queue.find((t) => !t.cancelled);
      if (next === undefined) return;
      await this.advance(next.at - this.monoMs);
    }
    throw new Error(`FakeClock.runAll: more than ${maxTimers} timers ran; a timer keeps re-arming itself`);
  }

  private step(ms: number): void {
    this.monoMs += ms;
    this.wallMs += ms;
  }
}

/** Lets every queued promise job (and jobs they queue) run; setImmediate runs after them. */
function flushMicrotasks(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
