// Duration helpers shared by Gauge, Histogram and Summary. Durations come from the monotonic
// clock (wall time can jump) and are recorded in seconds, the Prometheus base unit.
import type { Clock } from '../clock.js';
import type { LabelValues, MetricFamily } from '../model/snapshot.js';
import type { TimeArgs, TimerArgs } from './label-types.js';
import { MetricBase } from './metric.js';

function isPromiseLike(value: unknown): value is PromiseLike<unknown> {
  return (
    (typeof value === 'object' || typeof value === 'function') &&
    value !== null &&
    typeof (value as { then?: unknown }).then === 'function'
  );
}

/**
 * Runs `fn` and records how long it took, in seconds: when it returns, when it throws, and for a
 * promise when it settles. The result, the thrown error and the rejection reason pass through
 * unchanged (a promise result is replaced by one that settles the same way after recording).
 */
export function timeCall<R>(clock: Clock, fn: () => R, record: (seconds: number) => void): R {
  const start = clock.monotonic();
  let result: R;
  try {
    result = fn();
  } catch (error) {
    record((clock.monotonic() - start) / 1000);
    throw error;
  }
  if (isPromiseLike(result)) {
    return result.then(
      (value) => {
        record((clock.monotonic() - start) / 1000);
        return value;
      },
      (error: unknown) => {
        record((clock.monotonic() - start) / 1000);
        throw error;
      },
    ) as R;
  }
  record((clock.monotonic() - start) / 1000);
  return result;
}

/** Starts a timer; the returned `end()` records the elapsed seconds and returns them. */
export function startTimer(clock: Clock, record: (seconds: number) => void): () => number {
  const start = clock.monotonic();
  return () => {
    const seconds = (clock.monotonic() - start) / 1000;
    record(seconds);
    return seconds;
  };
}

/** A series with timers: what the metric-level `startTimer()` and `time()` delegate to. */
interface TimedSeries {
  readonly labelValues: LabelValues;
  startTimer(): () => number;
  time<R>(fn: () => R): R;
}

/**
 * The metric-level `startTimer()` and `time()` of Gauge, Histogram and Summary: they pick the
 * series (the metric's own without labels, `labels`' with them) and call its timer, so what a
 * duration does (set the gauge, observe it) is the series' business.
 */
export abstract class TimedMetric<
  L extends string,
  D extends L,
  C,
  S extends C & TimedSeries,
  F extends MetricFamily,
> extends MetricBase<L, D, C, S, F> {
  /** `startTimer()` without labels, `startTimer(labels)` with them. */
  startTimer(...args: TimerArgs<L, D>): () => number {
    return this.pick(args[0], 'startTimer').startTimer();
  }

  /** `time(fn)` without labels, `time(labels, fn)` with them. */
  time<R>(...args: TimeArgs<L, D, R>): R {
    const fn = args[args.length - 1] as () => R;
    return this.pick(args.length > 1 ? args[0] : undefined, 'time').time(fn);
  }
}
