// Test-side helpers that are not servers: a clock that reports the timers it is asked for, and a
// watch on the process for errors that escaped (the library's promise: never crash the host).
import assert from 'node:assert/strict';
import { after, before } from 'node:test';
import { FakeClock } from '../../../src/testing/fake-clock.js';
import type { Timer, TimerOptions } from '../../../src/clock.js';

/** A FakeClock that records every requested delay and lets a test wait for a timer to be set. */
export class RecordingClock extends FakeClock {
  readonly delays: number[] = [];
  private readonly waiting: { n: number; resolve: () => void }[] = [];

  override setTimeout(callback: () => void, ms: number, options?: TimerOptions): Timer {
    this.delays.push(ms);
    for (let i = this.waiting.length - 1; i >= 0; i--) {
      const w = this.waiting[i];
      if (w !== undefined && this.delays.length >= w.n) {
        this.waiting.splice(i, 1);
        w.resolve();
      }
    }
    return super.setTimeout(callback, ms, options);
  }

  /** Resolves once `n` timers have been requested in total (event-driven, no polling). */
  timersSet(n: number): Promise<void> {
    if (this.delays.length >= n) return Promise.resolve();
    return new Promise((resolve) => this.waiting.push({ n, resolve }));
  }
}

/** Records uncaught exceptions and unhandled rejections from the moment it is called. */
export function watchProcess(): { readonly escaped: string[]; stop(): void } {
  const escaped: string[] = [];
  const onException = (error: unknown): void => {
    escaped.push(`uncaughtException: ${String(error)}`);
  };
  const onRejection = (reason: unknown): void => {
    escaped.push(`unhandledRejection: ${String(reason)}`);
  };
  process.on('uncaughtException', onException);
  process.on('unhandledRejection', onRejection);
  return {
    escaped,
    stop() {
      process.off('uncaughtException', onException);
      process.off('unhandledRejection', onRejection);
    },
  };
}

/**
 * In the calling describe block: watches the process from `before` and asserts in `after` that no
 * uncaught exception or unhandled rejection escaped meanwhile.
 */
export function assertNothingEscapes(): void {
  let watch: ReturnType<typeof watchProcess> | undefined;
  before(() => {
    watch = watchProcess();
  });
  after(() => {
    assert.ok(watch, 'watchProcess started');
    watch.stop();
    assert.deepEqual(watch.escaped, [], 'no uncaught exception or unhandled rejection');
  });
}

/**
 * Holds the event loop open while a test waits for something only an unref'd socket will
 * deliver (the transports unref their sockets by design, so nothing else would keep the test
 * process running). A safety bound in real time, not a timing assumption: if the event never
 * comes, `onStuck` fails the test after `ms` instead of letting the run hang.
 */
export function holdEventLoop(onStuck: () => void, ms = 10_000): { release(): void } {
  const handle = setTimeout(onStuck, ms);
  return { release: () => clearTimeout(handle) };
}
