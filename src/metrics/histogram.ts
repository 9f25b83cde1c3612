// Observations counted into fixed buckets. Each series keeps NON-cumulative counts in a
// Float64Array (one increment per observation instead of one per larger bucket) and the
// snapshot cumulates them at collect time, with +Inf last equal to the count.
import type { HistogramFamily, HistogramSeries as HistogramSample, LabelValues } from '../model/snapshot.js';
import { checkBuckets, DEFAULT_BUCKETS } from './buckets.js';
import { defineMetric, findExisting, notANumber } from './metric.js';
import type { MetricCore, MetricOptions } from './metric.js';
import { startTimer, TimedMetric, timeCall } from './timing.js';
import { HistogramFamilyRecord, HistogramSeriesRecord } from '../model/snapshot-records.js';

export interface HistogramOptions<L extends string = never, D extends L = never> extends MetricOptions<L, D> {
  /** Finite upper bounds, ascending and unique (a trailing +Inf is allowed); default DEFAULT_BUCKETS. */
  readonly buckets?: readonly number[];
}

/** One labelled series of a Histogram. */
export interface HistogramChild {
  readonly labelValues: LabelValues;
  readonly sum: number;
  readonly count: number;
  /** Records one value; NaN is dropped and counted in the metric's `droppedObservations`. */
  observe(value: number): void;
  /** Starts a timer; `end()` observes the elapsed seconds and returns them. */
  startTimer(): () => number;
  /** Runs `fn` (sync or async) and observes its duration in seconds, even when it throws. */
  time<R>(fn: () => R): R;
}

// Above this many bounds a binary search beats the linear scan.
const LINEAR_SEARCH_MAX = 16;

class HistogramSeriesImpl implements HistogramChild {
  sum = 0;
  count = 0;
  /** counts[i] = observations in (bounds[i-1], bounds[i]]; the last slot is (last bound, +Inf). */
  readonly counts: Float64Array;

  constructor(
    private readonly core: MetricCore,
    private readonly bounds: Float64Array,
    readonly labelValues: LabelValues,
    readonly bornMs: number,
  ) {
    this.counts = new Float64Array(bounds.length + 1);
  }

  observe(value: number): void {
    if (value !== value || typeof value !== 'number') {
      this.reject(value);
      return;
    }
    const bounds = this.bounds;
    const n = bounds.length;
    let i = 0;
    if (n <= LINEAR_SEARCH_MAX) {
      while (i < n && value > bounds[i]!) i++;
    } else {
      let hi = n; // first bound >= value, in [i, hi]
      while (i < hi) {
        const mid = (i + hi) >>> 1;
        if (value > bounds[mid]!) i = mid + 1;
        else hi = mid;
      }
    }
    const counts = this.counts;
    counts[i] = counts[i]! + 1;
    this.sum += value;
    this.count++;
    const listener = this.core.listener;
    if (listener !== undefined) listener(this.core.source, this.labelValues, 'observe', value);
  }

  startTimer(): () => number {
    return startTimer(this.core.clock, (seconds) => this.observe(seconds));
  }

  time<R>(fn: () => R): R {
    return timeCall(this.core.clock, fn, (seconds) => this.observe(seconds));
  }

  private reject(value: unknown): void {
    if (typeof value !== 'number') throw notANumber(this.core.source.name, 'observe', value);
    this.core.dropped++;
  }
}

export class Histogram<L extends string = never, D extends L = never> extends TimedMetric<
  L,
  D,
  HistogramChild,
  HistogramSeriesImpl,
  HistogramFamily
> {
  /** Finite upper bounds, ascending (the +Inf bucket is implicit). */
  readonly upperBounds!: readonly number[];
  private readonly bounds!: Float64Array;

  constructor(options: HistogramOptions<L, D>) {
    let upperBounds: readonly number[] = DEFAULT_BUCKETS;
    const definition = defineMetric('histogram', options, {
      reserved: ['le'],
      detail: (name) => {
        upperBounds = checkBuckets(name, options.buckets ?? DEFAULT_BUCKETS);
        return `buckets=[${upperBounds.join(',')}]`;
      },
    });
    const existing = findExisting(definition);
    if (existing !== undefined) return existing as Histogram<L, D>;
    super(definition);
    this.upperBounds = upperBounds;
    this.bounds = Float64Array.from(upperBounds);
    this.start();
  }

  observe(value: number): void {
    this.only('observe').observe(value);
  }

  protected newSeries(labelValues: LabelValues, bornMs: number): HistogramSeriesImpl {
    return new HistogramSeriesImpl(this.core, this.bounds, labelValues, bornMs);
  }

  protected family(series: readonly HistogramSeriesImpl[]): HistogramFamily {
    // A method, not a closure allocated per collect; map's thisArg binds it.
    // eslint-disable-next-line @typescript-eslint/unbound-method
    const out = series.map(this.sample, this);
    return new HistogramFamilyRecord(this.name, this.help, this.unit, this.labelNames, this.upperBounds, out);
  }

  private sample(s: HistogramSeriesImpl): HistogramSample {
    const counts = s.counts;
    const bucketCounts = new Array<number>(counts.length);
    let total = 0;
    for (let i = 0; i < counts.length; i++) {
      total += counts[i]!;
      bucketCounts[i] = total;
    }
    return new HistogramSeriesRecord(s.labelValues, bucketCounts, s.sum, s.count, this.createdSeconds(s.bornMs));
  }
}
